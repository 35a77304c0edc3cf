// Checks the Mermaid diagrams in Markdown files: every ```mermaid block must parse under the subset of Mermaid
// that lcp-c's docs use (flowchart, stateDiagram-v2, timeline), so a picture cannot silently break on the code
// host. Mermaid's own parser needs a browser DOM; this checker is deliberately stricter than Mermaid (it refuses
// forms we do not use) so that whatever it accepts, Mermaid renders.
//
// usage: node tools/docs/check-mermaid.mjs [--min N] FILE.md ...   (exit 1 and one line per problem on failure)
import { readFileSync } from 'node:fs';

const ID = '[A-Za-z_][A-Za-z0-9_]*';
// Shapes: [text] (text) [(text)] ((text)) {text} [[text]] [/text/] >text]; text is plain or "quoted".
const SHAPES = [
  ['[(', ')]'], ['((', '))'], ['[[', ']]'], ['[/', '/]'], ['[', ']'], ['(', ')'], ['{', '}'], ['>', ']'],
];
const EDGES = ['-.->', '-->', '---', '==>', '-.-', '--o', '--x'];

function label(text, where) {
  if (text.length === 0) throw new Error(`${where}: empty label`);
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2 || text.slice(1, -1).includes('"'))
      throw new Error(`${where}: unbalanced quotes in label ${text}`);
    return;
  }
  if (/["[\](){}|]/.test(text)) throw new Error(`${where}: label needs quotes for ${text}`);
}

// Parses a node reference at s[i..]: ID with an optional shape. Returns the index after it.
function node(s, i, where) {
  const m = new RegExp('^' + ID).exec(s.slice(i));
  if (!m) throw new Error(`${where}: expected a node id at "${s.slice(i)}"`);
  i += m[0].length;
  for (const [open, close] of SHAPES) {
    if (!s.startsWith(open, i)) continue;
    const end = s.indexOf(close, i + open.length);
    if (end < 0) throw new Error(`${where}: shape ${open}…${close} not closed`);
    label(s.slice(i + open.length, end), where);
    return end + close.length;
  }
  return i;
}

function flowchartLine(line, where, state) {
  if (/^(flowchart|graph)\s/.test(line)) throw new Error(`${where}: second header`);
  let m;
  if ((m = /^subgraph\s+(.*)$/.exec(line))) {
    const rest = m[1].trim();
    if (node(rest, 0, where) !== rest.length) throw new Error(`${where}: bad subgraph title`);
    state.depth++;
    return;
  }
  if (line === 'end') {
    if (--state.depth < 0) throw new Error(`${where}: end without subgraph`);
    return;
  }
  if (/^direction\s+(LR|RL|TB|TD|BT)$/.test(line)) return;
  if (/^classDef\s+\S+\s+\S.*$/.test(line) || /^class\s+\S+\s+\S+$/.test(line)) return;
  let i = node(line, 0, where);
  while (i < line.length) {
    while (line[i] === ' ') i++;
    const e = EDGES.find((x) => line.startsWith(x, i));
    if (!e) throw new Error(`${where}: expected an edge at "${line.slice(i)}"`);
    i += e.length;
    if (line[i] === '|') {
      const end = line.indexOf('|', i + 1);
      if (end < 0) throw new Error(`${where}: edge label not closed`);
      label(line.slice(i + 1, end), where);
      i = end + 1;
    }
    while (line[i] === ' ') i++;
    i = node(line, i, where);
  }
}

function stateLine(line, where, state) {
  const S = `(\\[\\*\\]|${ID})`;
  if (new RegExp(`^${S}\\s*-->\\s*${S}(\\s*:\\s*[^:]+)?$`).test(line)) return;
  if (new RegExp(`^${ID}\\s*:\\s*\\S.*$`).test(line)) return;
  if (new RegExp(`^state\\s+"[^"]+"\\s+as\\s+${ID}$`).test(line)) return;
  if (new RegExp(`^note (left|right) of ${ID}$`).test(line)) { state.note = true; return; }
  if (line === 'end note') { if (!state.note) throw new Error(`${where}: end note without note`); state.note = false; return; }
  if (state.note) return;
  throw new Error(`${where}: not a state-diagram statement: ${line}`);
}

function timelineLine(line, where, state) {
  if (/^title\s+\S/.test(line) || /^section\s+\S/.test(line)) return;
  const parts = line.split(/\s:\s|^:\s/);
  if (line.startsWith(': ')) { if (!state.period) throw new Error(`${where}: event before any period`); return; }
  if (parts.length < 2 || parts.some((p) => p.trim() === '')) throw new Error(`${where}: expected "period : event"`);
  state.period = true;
}

const KINDS = {
  flowchart: { header: /^(flowchart|graph)\s+(LR|RL|TB|TD|BT)$/, line: flowchartLine },
  state: { header: /^stateDiagram-v2$/, line: stateLine },
  timeline: { header: /^timeline$/, line: timelineLine },
};

export function checkDiagram(text, where) {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('%%'));
  if (lines.length < 2) throw new Error(`${where}: empty diagram`);
  const kind = Object.values(KINDS).find((k) => k.header.test(lines[0]));
  if (!kind) throw new Error(`${where}: unsupported diagram header "${lines[0]}"`);
  const state = { depth: 0 };
  lines.slice(1).forEach((l, n) => kind.line(l, `${where} line ${n + 2}`, state));
  if (state.depth !== 0) throw new Error(`${where}: subgraph not closed`);
  if (state.note) throw new Error(`${where}: note not closed`);
}

export function blocks(md) {
  const out = [];
  const re = /^```mermaid\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = re.exec(md))) out.push({ text: m[1], line: md.slice(0, m.index).split('\n').length });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  let min = 0;
  if (args[0] === '--min') { min = Number(args[1]); args.splice(0, 2); }
  let n = 0, bad = 0;
  for (const f of args) {
    for (const b of blocks(readFileSync(f, 'utf8'))) {
      n++;
      try { checkDiagram(b.text, `${f}:${b.line}`); } catch (e) { bad++; console.error(`mermaid: ${e.message}`); }
    }
  }
  if (n < min) { console.error(`mermaid: ${n} diagrams found, at least ${min} expected`); bad++; }
  if (bad) process.exit(1);
  console.log(`mermaid: ${n} diagrams parse`);
}
