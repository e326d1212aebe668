/**
 * The proxy's web page: live traffic (the event stream), the connections and the armed faults,
 * a form to arm a transport fault. No inventory: the cash is the real machine's. Self-contained
 * (no external resource), like the simulator's page.
 */
export function renderProxyPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cashlogy-cert proxy</title>
<style>
body{font:14px system-ui,sans-serif;margin:1rem;color:#222}
h1{font-size:1.2rem}h2{font-size:1rem;margin-top:1.2rem}
#log{font:12px ui-monospace,monospace;background:#f6f6f6;border:1px solid #ddd;height:24rem;overflow:auto;padding:.4rem;white-space:pre}
.in{color:#06c}.out{color:#080}.event{color:#a60}.fault{color:#c00}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
textarea{width:30rem;height:3rem;font:12px ui-monospace,monospace}
</style></head><body>
<h1>cashlogy-cert proxy → <span id="upstream">…</span></h1>
<p>Every byte is relayed unchanged to the real connector; transport faults armed here shape the replies. The machine's cash is not shown: it is the real machine's.</p>
<h2>Connections</h2><table><thead><tr><th>conn</th><th>POS</th><th>state</th><th>waiting for a reply</th></tr></thead><tbody id="conns"></tbody></table>
<h2>Armed faults</h2><table><thead><tr><th>id</th><th>fault</th><th></th></tr></thead><tbody id="faults"></tbody></table>
<p><textarea id="spec">{"type":"disconnect","on":{"command":"C","nth":2}}</textarea><br><button id="arm">Arm transport fault</button> <span id="armed"></span></p>
<h2>Traffic</h2><div id="log"></div>
<script>
const $=(id)=>document.getElementById(id);
const esc=(s)=>String(s).replace(/[&<>"]/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function refresh(){
  try{
    const st=await (await fetch('/state')).json();
    $('upstream').textContent=st.upstream;
    $('conns').innerHTML=st.connections.map((c)=>'<tr><td>'+c.conn+'</td><td>'+esc(c.pos)+'</td><td>'+c.state+'</td><td>'+esc(c.waiting.map((w)=>w.frame).join(' '))+'</td></tr>').join('');
    const fs=await (await fetch('/faults')).json();
    $('faults').innerHTML=fs.map((f)=>'<tr><td>'+esc(f.id)+'</td><td>'+esc(f.description)+'</td><td><button data-id="'+esc(f.id)+'">disarm</button></td></tr>').join('');
  }catch(e){}
}
$('faults').addEventListener('click',async(e)=>{const id=e.target.dataset&&e.target.dataset.id;if(id){await fetch('/faults/'+encodeURIComponent(id),{method:'DELETE'});refresh();}});
$('arm').addEventListener('click',async()=>{
  const r=await fetch('/faults',{method:'POST',headers:{'Content-Type':'application/json'},body:$('spec').value});
  const b=await r.json();$('armed').textContent=r.ok?('armed '+b.id):b.error;refresh();
});
const log=$('log');
function add(e){
  const line=document.createElement('div');
  line.className=e.dir==='event'?(e.kind==='fault'?'fault':'event'):e.dir;
  const arrow=e.dir==='in'?'POS → ':e.dir==='out'?'POS ← ':'['+(e.kind||'event')+'] ';
  line.textContent=(e.at/1000).toFixed(3).padStart(9)+'s #'+e.conn+' '+arrow+e.data+(e.fault?' (fault '+e.fault+')':'');
  log.appendChild(line);while(log.childNodes.length>2000)log.removeChild(log.firstChild);
  log.scrollTop=log.scrollHeight;
}
const es=new EventSource('/events');
es.addEventListener('entry',(m)=>{add(JSON.parse(m.data));refresh();});
es.addEventListener('reset',()=>{log.textContent='';refresh();});
refresh();setInterval(refresh,2000);
</script></body></html>`;
}
