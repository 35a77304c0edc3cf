#!/bin/sh
# The docs' pictures stay parseable (issue 11): every Mermaid block in README.md and docs/ passes the checker, at
# least three exist, and the checker itself refuses broken diagrams (so this test can fail).
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is needed (mk/deps.sh installs it)"
node tools/docs/check-mermaid.mjs --min 3 README.md docs/*.md || fail "a diagram does not parse"
node --input-type=module -e '
import { checkDiagram } from "./tools/docs/check-mermaid.mjs";
const bad = [
  "flowchart LR\n  a[open --> b",
  "flowchart LR\n  a --> b[x (y)]",
  "flowchart LR\n  subgraph s\n  a --> b",
  "flowchart LR\n  a ->> b",
  "flowchart XY\n  a --> b",
  "stateDiagram-v2\n  A -> B",
  "stateDiagram-v2\n  [*] --> A : x : y",
  "timeline\n  : event before period",
  "timeline\n  period :",
  "sequenceDiagram\n  A->>B: hi",
  "flowchart LR",
];
const good = ["flowchart TD\n  a[\"x (y)\"] -->|\"t\"| b[(db)]\n  subgraph s[\"S\"]\n  c\n  end",
              "stateDiagram-v2\n  [*] --> A : go\n  A --> [*]", "timeline\n  title T\n  p : e1 : e2\n  : e3"];
let n = 0;
for (const d of bad) { try { checkDiagram(d, "bad"); console.error("accepted: " + JSON.stringify(d)); process.exit(1); } catch { n++; } }
for (const d of good) checkDiagram(d, "good");
console.log(`checker: ${n} broken diagrams refused, ${good.length} good ones accepted`);
' || fail "the checker accepts a broken diagram or refuses a good one"
echo "ok: docs pictures"
