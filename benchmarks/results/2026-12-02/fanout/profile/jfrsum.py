import re,collections,sys,subprocess
f=sys.argv[1]
def events(kind):
    out=subprocess.run(['jfr','print','--events',kind,f],capture_output=True,text=True).stdout
    return out.split(kind+' {')[1:]
def thread(e):
    m=re.search(r'(?:sampledThread|eventThread) = "([^"]+)"',e); t=m.group(1) if m else '?'
    return re.sub(r'-\d+$','-N',t)
def frames(e): return [x.split('(')[0] for x in re.findall(r'^\s+([\w.$<>]+\(.*?\))\s+line:',e,re.M)]
def pick(fr):
    for x in fr:
        if x.startswith(('dev.strand','com.fasterxml','io.vertx','io.netty')): return x
    return fr[0] if fr else '?'
ex=events('jdk.ExecutionSample'); cnt=collections.Counter(); top=collections.defaultdict(collections.Counter)
for e in ex:
    t=thread(e); cnt[t]+=1; top[t][pick(frames(e))]+=1
print('CPU samples by thread:',cnt.most_common(6))
for t in ('subscriptions','vert.x-eventloop-thread-N'):
    n=cnt[t] or 1
    print('  %s: top frames (first strand/jackson/vertx/netty frame)'%t)
    for k,v in top[t].most_common(8): print('    %4.0f%% %s'%(100*v/n,k))
al=events('jdk.ObjectAllocationSample'); w=collections.Counter(); wt=collections.defaultdict(collections.Counter)
for e in al:
    t=thread(e); m=re.search(r'weight = ([\d.]+) (\w+)',e)
    if not m: continue
    v=float(m.group(1))*{'bytes':1,'kB':1e3,'MB':1e6,'GB':1e9}.get(m.group(2),1)
    c=re.search(r'objectClass = ([\w.$\[\]]+)',e).group(1)
    w[t]+=v; wt[t][c+' <- '+pick(frames(e))]+=v
print('allocation (sampled weight, MB) by thread:',[(k,round(v/1e6,1)) for k,v in w.most_common(6)])
for t in ('subscriptions','vert.x-eventloop-thread-N'):
    n=w[t] or 1
    print('  %s:'%t)
    for k,v in wt[t].most_common(8): print('    %4.0f%% %s'%(100*v/n,k))
