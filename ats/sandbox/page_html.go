package sandbox

// pageHTML is the sandbox page (html/template). It is a constant rather
// than an embedded file so the package has no variables at all.
const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox ATS · {{.Company}}</title>
<style>
:root{--fg:#1d2433;--muted:#5f6b7a;--line:#e2e6ec;--bg:#f6f7f9;--card:#fff;--accent:#2458d6;--accent-bg:#eaf0fd;--ok:#17794a;--ok-bg:#e7f6ee;--bad:#b4232f;--bad-bg:#fdecee;--warn-bg:#fff6e0;--radius:10px}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
header.top{background:#1d2433;color:#fff;padding:14px 16px}
header.top .wrap{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0;font-weight:650}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:2px 8px;border-radius:999px;background:#ffd35c;color:#3a2c00}
.wrap{max-width:1180px;margin:0 auto}
main{padding:16px}
section{margin:0 0 22px}
h2{font-size:17px;margin:0 0 10px}
p.lead{margin:0 0 10px;max-width:78ch}
.muted{color:var(--muted)}
.small{font-size:13px}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:14px}
.flash{border-radius:var(--radius);padding:10px 14px;margin:0 0 16px;border:1px solid}
.flash.ok{background:var(--ok-bg);border-color:#b6e2c9;color:#0f5434}
.flash.err{background:var(--bad-bg);border-color:#f3c2c7;color:#7d1520}
details.api{margin-top:8px}
details.api summary{cursor:pointer;color:var(--muted);font-size:13px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:8px 0 0;font-size:13px}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 0}
.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:6px 10px;font-size:13px}
.stat b{font-size:15px}
.jobs{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.job h3{font-size:16px;margin:0}
.job .meta{font-size:13px;color:var(--muted);margin:2px 0 8px}
.job .counts{font-size:13px;margin:0 0 8px}
ol.pipe{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
ol.pipe li{display:flex}
ol.pipe a{display:inline-flex;align-items:center;gap:6px;font-size:12.5px;padding:3px 8px;border-radius:999px;background:var(--accent-bg);color:#1a3f9c}
ol.pipe a b{background:#fff;border-radius:999px;padding:0 6px;font-size:12px;min-width:20px;text-align:center}
ol.pipe li+li::before{content:"›";color:var(--muted);margin-right:6px;align-self:center}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:0 0 12px}
label{display:flex;flex-direction:column;gap:3px;font-size:12.5px;color:var(--muted)}
input,select,button{font:inherit;font-size:14px}
input,select{padding:6px 8px;border:1px solid #c8ced8;border-radius:7px;background:#fff;color:var(--fg);min-height:34px;max-width:100%}
button,.btn{padding:6px 12px;border-radius:7px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;min-height:34px;font-weight:550;white-space:nowrap}
button.secondary,.btn.secondary{background:#fff;color:var(--accent)}
button.danger{background:#fff;color:var(--bad);border-color:#e3a5ab}
button:hover{filter:brightness(.96)}
.btn{display:inline-flex;align-items:center}
form.add{display:grid;grid-template-columns:1.2fr 1.2fr 1fr auto;gap:8px;align-items:end}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden}
th,td{text-align:left;padding:9px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12.5px;color:var(--muted);font-weight:600;background:#fafbfc}
tr:last-child td{border-bottom:0}
tr.hl td{background:#fffbea}
.name{font-weight:600}
.tags{display:flex;flex-wrap:wrap;gap:4px;margin-top:3px}
.tag{font-size:11.5px;padding:1px 7px;border-radius:999px;background:#eef0f4;color:#3b4556}
.status{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:999px}
.status.active{background:var(--accent-bg);color:#1a3f9c}
.status.rejected{background:var(--bad-bg);color:var(--bad)}
.status.hired{background:var(--ok-bg);color:var(--ok)}
.actions{display:flex;flex-direction:column;gap:6px}
.actions form{display:flex;gap:6px;flex-wrap:nowrap}
.actions select{flex:1 1 auto;min-width:0;width:100%}
th.c-actions,td.c-actions{width:330px}
th.c-cand{width:30%}
th.c-activity{width:11%}
details.log{margin-top:6px}
details.log summary{cursor:pointer;font-size:12.5px;color:var(--ok);font-weight:600}
ul.log{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-direction:column;gap:6px}
ul.log li{font-size:12.5px;background:#f8faf9;border:1px solid #dcebe2;border-radius:7px;padding:6px 8px}
ul.log .kind{font-weight:700;text-transform:capitalize}
ul.log .body{white-space:pre-wrap;overflow-wrap:anywhere;max-height:12em;overflow:auto;margin-top:2px}
.pager{display:flex;gap:8px;align-items:center;justify-content:space-between;margin-top:10px;font-size:13px}
.empty{padding:24px;text-align:center;color:var(--muted)}
footer{padding:10px 16px 30px;font-size:12.5px;color:var(--muted)}
@media (max-width:760px){
 main{padding:12px}
 form.add{grid-template-columns:1fr}
 form.filters label{flex:1 1 140px}
 form.filters label.q{flex-basis:100%}
 .jobs{grid-template-columns:1fr}
 table,thead,tbody{display:block;width:100%}
 table{border:0;background:none}
 thead{display:none}
 tr{display:grid;grid-template-columns:1fr 1fr;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);margin:0 0 10px;padding:6px 0}
 td{display:block;border:0;padding:4px 12px;min-width:0}
 td.c-cand,td.c-activity,td.c-actions{grid-column:1/-1;width:auto}
 td[data-label]::before{content:attr(data-label);display:block;font-size:11.5px;color:var(--muted);font-weight:600}
 td.c-cand::before{display:none}
 td.c-activity span+div{display:inline}
 td.c-activity span+div::before{content:" · "}
}
</style>
</head>
<body>
<header class="top"><div class="wrap"><h1>Sandbox ATS</h1><span class="badge">demo</span><span class="small" style="opacity:.8">{{.Company}} · emulated Greenhouse</span></div></header>
<main class="wrap">
{{if .Notice}}<div class="flash ok" role="status">{{.Notice}}</div>{{end}}
{{if .Error}}<div class="flash err" role="alert">{{.Error}}</div>{{end}}
<section>
<p class="lead">This is an emulated applicant tracking system (ATS) built into hireloop so you can try it without an ATS account. It behaves like a Greenhouse account of a fictional employer, {{.Company}}: hireloop syncs these positions and candidates through its real Greenhouse connector, and whatever you do here (move a candidate to “AI Interview”, reject someone, add a new applicant) reaches hireloop by a signed webhook within seconds. Notes, reports and tags that hireloop writes back show up in each candidate’s log below. All people here are made up and no email is ever sent.</p>
<div class="stats">
<span class="stat"><b>{{len .Jobs}}</b> positions</span>
<span class="stat"><b>{{.CandidateCount}}</b> candidates</span>
<span class="stat"><b>{{.StatusActive}}</b> active · <b>{{.StatusRejected}}</b> rejected · <b>{{.StatusHired}}</b> hired</span>
<span class="stat"><b>{{.WrittenCount}}</b> items written by hireloop</span>
<span class="stat"><b>{{.Webhooks}}</b> webhook target{{if ne .Webhooks 1}}s{{end}}</span>
</div>
<details class="api"><summary>API details (Greenhouse Harvest v3)</summary>
<dl class="kv"><dt>Base URL</dt><dd>{{.APIBase}}</dd><dt>Token URL</dt><dd>{{.TokenURL}}</dd><dt>Client ID</dt><dd>{{.ClientID}}</dd><dt>Client secret</dt><dd>{{.ClientSecret}}</dd><dt>User ID (sub)</dt><dd>{{.ActingUser}} ({{.ActingUserName}})</dd></dl>
</details>
</section>

<section aria-labelledby="positions">
<h2 id="positions">Positions</h2>
<div class="jobs">
{{range .Jobs}}<article class="card job">
<h3><a href="{{.URL}}">{{.Title}}</a></h3>
<div class="meta">{{.Dept}} · {{.Location}} · {{.Employment}}</div>
<div class="counts"><b>{{.Active}}</b> active · {{.Rejected}} rejected · {{.Hired}} hired · {{.QuestionCount}} screening questions</div>
<ol class="pipe" aria-label="Pipeline of {{.Title}}">{{range .Stages}}<li><a href="{{.URL}}" title="Show active applications in {{.Name}}">{{.Name}} <b>{{.Count}}</b></a></li>{{end}}</ol>
</article>{{end}}
</div>
</section>

<section aria-labelledby="add">
<h2 id="add">Add a candidate</h2>
<div class="card">
<form class="add" method="post" action="{{.Base}}/add">
<label>Name<input name="name" required maxlength="120" autocomplete="off" placeholder="e.g. Zoë Lefèvre" value="{{.Form.Name}}"></label>
<label>Email<input name="email" type="email" required maxlength="200" autocomplete="off" placeholder="zoe@example.com" value="{{.Form.Email}}"></label>
<label>Position<select name="job" required>{{range .AddJobOptions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select></label>
<button type="submit">Add candidate</button>
</form>
<p class="muted small" style="margin:8px 0 0">Creates the candidate with an application in the position’s first stage.</p>
</div>
</section>

<section aria-labelledby="applications">
<h2 id="applications">Applications</h2>
<form class="filters" method="get" action="{{.Base}}/#applications">
<label>Position<select name="job"><option value="">All positions</option>{{range .JobOptions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select></label>
<label>Stage<select name="stage"><option value="">All stages</option>{{range .StageOptions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select></label>
<label>Status<select name="status"><option value="">Any status</option>{{range .StatusOptions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select></label>
<label class="q">Search by name<input type="search" name="q" value="{{.Q}}" placeholder="Name or email"></label>
<button type="submit">Filter</button>{{if .Filtered}} <a class="btn secondary" href="{{.ResetURL}}">Reset</a>{{end}}
</form>
<p class="muted small" style="margin:0 0 8px">{{.Matched}} of {{.Total}} applications, most recent activity first.</p>
{{if .Rows}}
<table>
<thead><tr><th class="c-cand">Candidate</th><th>Position</th><th>Stage</th><th class="c-activity">Activity</th><th class="c-actions">Actions</th></tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Highlight}} class="hl"{{end}} id="app-{{.AppID}}">
<td data-label="Candidate" class="c-cand"><div class="name">{{.Name}}</div><div class="muted small">{{.Email}}</div>{{if .Tags}}<div class="tags">{{range .Tags}}<span class="tag">{{.}}</span>{{end}}</div>{{end}}
{{if .Log}}<details class="log"><summary>hireloop wrote {{len .Log}} item{{if ne (len .Log) 1}}s{{end}}</summary><ul class="log">{{range .Log}}<li><span class="kind">{{.Kind}}</span> · <time title="{{.AtFull}}">{{.At}}</time>{{if .By}} · {{.By}}{{end}}<div class="body">{{if .FileURL}}<a href="{{.FileURL}}" target="_blank" rel="noopener">{{.Text}}</a>{{else}}{{.Text}}{{end}}</div></li>{{end}}</ul></details>{{end}}
</td>
<td data-label="Position">{{.Job}}</td>
<td data-label="Stage">{{.Stage}}<div><span class="status {{.Status}}">{{.Status}}</span></div>{{if .Reason}}<div class="muted small">{{.Reason}}</div>{{end}}</td>
<td data-label="Activity" class="small c-activity"><span title="{{.ActivityAll}}">{{.Activity}}</span><div class="muted" title="{{.AppliedFull}}">applied {{.Applied}}</div></td>
<td data-label="Actions" class="c-actions">{{if .Active}}<div class="actions">
<form method="post" action="{{$.Base}}/move"><input type="hidden" name="app" value="{{.AppID}}"><input type="hidden" name="return" value="{{$.Return}}"><select name="stage" aria-label="Move {{.Name}} to stage">{{range .Stages}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select><button type="submit">Move</button></form>
<form method="post" action="{{$.Base}}/reject"><input type="hidden" name="app" value="{{.AppID}}"><input type="hidden" name="return" value="{{$.Return}}"><select name="reason" aria-label="Rejection reason for {{.Name}}">{{range $.ReasonOptions}}<option value="{{.Value}}">{{.Label}}</option>{{end}}</select><button type="submit" class="danger">Reject</button></form>
</div>{{else}}<span class="muted small">No actions ({{.Status}})</span>{{end}}</td>
</tr>{{end}}
</tbody>
</table>
<div class="pager"><span>{{if .PrevURL}}<a class="btn secondary" href="{{.PrevURL}}">← Previous</a>{{end}}</span><span class="muted">Page {{.PageNo}} of {{.Pages}}</span><span>{{if .NextURL}}<a class="btn secondary" href="{{.NextURL}}">Next →</a>{{end}}</span></div>
{{else}}<div class="card empty">No applications match these filters.</div>{{end}}
</section>
</main>
<footer class="wrap">Sandbox ATS, built into hireloop for demo mode. Its data lives only on this machine.</footer>
</body>
</html>
`
