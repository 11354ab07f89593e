import json, numpy as np
d=json.load(open('/tmp/selfcal/data.json'))
def lg(s): s=np.clip(np.array(s,float),1e-6,1-1e-6); return np.log(s/(1-s))
T=lg(0.85)
for r in d:
    sim=lg([x['score'] for x in r['probes'] if not x['inScope']])
    real=lg([x['s'] for x in r['queries'] if x['l']=='oos'])
    ins=[x for x in r['probes'] if x['inScope']]
    simin=lg([x['score'] for x in ins]); simc=np.array([x['correct'] for x in ins])
    rin=[x for x in r['queries'] if x['l']!='oos']
    rz=lg([x['s'] for x in rin]); rc=np.array([x['l']=='right' for x in rin])
    q=lambda a:' '.join(f"{np.quantile(a,k):5.2f}" for k in (.5,.75,.9,.95,.97))
    print(f"{r['file'][:20]:20s} {r['variant'][:4]} OOS sim {q(sim)} | real {q(real)} || IN sim acc {simc.mean() if len(ins) else 0:.2f} >T right {np.mean((simin>=T)&simc) if len(ins) else 0:.2f} | real acc {rc.mean():.2f} >T right {np.mean((rz>=T)&rc):.2f}")
