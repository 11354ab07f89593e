import json, numpy as np, sys
d=json.load(open(sys.argv[1]))
def lg(s): s=np.clip(np.array(s,float),1e-6,1-1e-6); return np.log(s/(1-s))
T=lg(0.85)
def best(z,l,lim=0.03):
    nin=(l!='oos').sum(); noos=max((l=='oos').sum(),1); b=(None,0)
    for dl in np.arange(-2,3,0.02):
        a=z+dl>=T; c=(a&(l=='right')).sum()/nin; w=(a&(l=='wrong')).sum()/nin; o=(a&(l=='oos')).sum()/noos
        if w<=lim and o<=lim and c>b[1]: b=(round(dl,2),round(c,3))
    return b
for r in d:
    p=r['probes']; z=lg([x['score'] for x in p]); l=np.array(['oos' if not x['inScope'] else ('right' if x['correct'] else 'wrong') for x in p])
    rz=lg([x['s'] for x in r['queries']]); rl=np.array([x['l'] for x in r['queries']])
    print(r['file'][:20], r['variant'][:4], 'sim best shift', best(z,l), 'real best shift', best(rz,rl), 'sim n', len(p))
