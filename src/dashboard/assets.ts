/**
 * The dashboard's only stylesheet and script, served from its own origin (the CSP allows nothing
 * else, and no inline code). The script only adds comfort: "select all" for bulk actions and reading
 * a chosen import file into the form's text box; every page works without it.
 */
export const STYLE_CSS = `
:root { color-scheme: light dark; --accent: #5865f2; --muted: #6b7280; --line: #d1d5db; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; }
header { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: center; padding: .6rem 1.25rem; border-bottom: 1px solid var(--line); }
header nav { display: flex; gap: .9rem; flex-wrap: wrap; }
header nav a { text-decoration: none; color: inherit; padding: .2rem 0; }
header nav a[aria-current] { border-bottom: 2px solid var(--accent); font-weight: 600; }
.brand { color: var(--accent); } .server { color: var(--muted); } .logout { margin-left: auto; }
main { padding: 1rem 1.25rem 3rem; max-width: 1200px; } main.narrow { max-width: 560px; margin: 3rem auto; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; white-space: nowrap; } td.text { max-width: 28rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.notice { padding: .5rem .75rem; border-left: 4px solid #16a34a; background: #16a34a1a; }
.error { padding: .5rem .75rem; border-left: 4px solid #dc2626; background: #dc26261a; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; } .card { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .9rem; min-width: 10rem; }
.card b { display: block; font-size: 1.4rem; } .muted { color: var(--muted); }
form.inline { display: inline; } textarea { width: 100%; min-height: 5rem; font: inherit; } input[type=text], input[type=search], select { font: inherit; padding: .25rem .4rem; }
label { display: block; margin: .4rem 0 .15rem; font-weight: 600; } button { font: inherit; padding: .25rem .7rem; cursor: pointer; }
.pager { display: flex; gap: 1rem; margin: .75rem 0; } .chart { max-width: 100%; height: auto; }
.legend span { margin-right: 1rem; } .sw-opened { background: #9ca3af; } .sw-training { background: #5865f2; } .sw-ai { background: #a855f7; } .sw-staff { background: #16a34a; } .swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; }
.turn { border-left: 3px solid var(--line); padding: .3rem .75rem; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.turn.bot { border-color: var(--accent); } .turn.staff { border-color: #16a34a; }
`;

export const APP_JS = `
document.addEventListener('change', (event) => {
  const box = event.target;
  if (box.matches('input[data-select-all]')) {
    for (const other of document.querySelectorAll('input[name="' + box.dataset.selectAll + '"]')) other.checked = box.checked;
  }
  if (box.matches('input[type=file][data-into]')) {
    const file = box.files && box.files[0];
    const target = document.getElementById(box.dataset.into);
    if (file && target) file.text().then((text) => { target.value = text; });
  }
});
`;
