import json, numpy as np
d=json.load(open('/tmp/selfcal/data.json'))
def lg(s): s=np.clip(np.array(s,float),1e-6,1-1e-6); return np.log(s/(1-s))
T=lg(0.85)
def fit(X,y,ridge=1e-2):
    X=np.column_stack([np.ones(len(X)),X]); w=np.zeros(X.shape[1])
    for _ in range(50):
        p=1/(1+np.exp(-X@w)); g=X.T@(p-y)+ridge*w; H=(X.T*(p*(1-p)))@X+ridge*np.eye(len(w)); w-=np.linalg.solve(H,g)
    return w
def feats(r, kind):
    z=lg([x['s'] for x in r['queries']]); p=r['probes']
    oos=np.sort(lg([x['score'] for x in p if not x['inScope']]))
    ins=[x for x in p if x['inScope']]
    cols=[z]
    if kind=='q90': cols.append(z-np.quantile(oos,.9))
    if kind=='q75': cols.append(z-np.quantile(oos,.75))
    if kind=='q50': cols.append(z-np.quantile(oos,.5))
    if kind=='surv':
        # share of simulated oos probes at or above z (log)
        surv=(len(oos)-np.searchsorted(oos,z,side='left')+0.5)/(len(oos)+1)
        cols.append(np.log(surv))
    if kind=='inacc':
        acc=np.mean([x['correct'] for x in ins]) if ins else 0.0
        cols.append(np.full(len(z),acc))
    if kind=='inq50':
        v=np.median(lg([x['score'] for x in ins])) if ins else 0
        cols.append(np.full(len(z),v))
    return np.column_stack(cols)
def labels(r): return np.array([x['l']=='right' for x in r['queries']],float)
def evaluate(r,w,kind):
    X=np.column_stack([np.ones(len(r['queries'])),feats(r,kind)]); zz=X@w
    l=np.array([x['l'] for x in r['queries']]); nin=(l!='oos').sum(); noos=(l=='oos').sum()
    a=zz>=T
    return (a&(l=='right')).sum()/nin,(a&(l=='wrong')).sum()/nin,(a&(l=='oos')).sum()/max(noos,1)
for kind in ['none','q90','q75','q50','surv','inacc','inq50']:
    for fitdom in ['clinc150','banking77']:
        tr=[r for r in d if r['domain']==fitdom]
        X=np.vstack([feats(r,kind) for r in tr]); y=np.concatenate([labels(r) for r in tr])
        w=fit(X,y)
        s=f"{kind:6s} fit {fitdom[:5]} w={np.round(w,2)} | "
        for r in d:
            if r['variant']!='plain': continue
            c,wr,o=evaluate(r,w,kind)
            s+=f"{r['file'][:5]}{r['file'].split('-')[1]} {c:.3f}/{wr*100:.1f}/{o*100:.1f}  "
        print(s)
