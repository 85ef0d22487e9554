// src/native/protocol.h and src/native/protocol.ts describe the same wire
// format; this test reads the C header and checks the numbers agree both ways.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgTag, Msg, Op, PLAN_MAGIC, PLAN_VERSION } from '../../src/native/protocol';

const header = readFileSync(join(__dirname, '..', '..', 'src', 'native', 'protocol.h'), 'utf8');

// The members of `enum <name> { ... };`, as { OP_SETNS: 1, ... }.
function cEnum(name: string): Record<string, number> {
  const body = new RegExp(`enum ${name} \\{([^}]*)\\};`).exec(header);
  if (!body) throw new Error(`enum ${name} not found in protocol.h`);
  const out: Record<string, number> = {};
  for (const m of body[1].matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=\s*(\d+)\s*,/gm)) out[m[1]] = Number(m[2]);
  return out;
}

function cDefine(name: string): number {
  const m = new RegExp(`^#define ${name} (0x[0-9a-fA-F]+|\\d+)u?\\b`, 'm').exec(header);
  if (!m) throw new Error(`#define ${name} not found in protocol.h`);
  return Number(m[1]);
}

// OP_WRITE_FILE -> WriteFile, the TypeScript member name.
const tsName = (cName: string, prefix: string) =>
  cName.slice(prefix.length).split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('');

// The name -> number pairs of a numeric TS enum (without its reverse mapping).
const tsEnum = (e: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === 'number')) as Record<string, number>;

// [C enum, member prefix, TS enum, the fewest members the parse must find]
const ENUMS: [string, string, Record<string, string | number>, number][] = [
  ['op_code', 'OP_', Op, 33],
  ['msg_type', 'MSG_', Msg, 6],
  ['arg_tag', 'ARG_', ArgTag, 4],
];

for (const [cname, prefix, tsEnumObj, count] of ENUMS) {
  t.test(`enum ${cname}`, async (t) => {
    const c = cEnum(cname);
    const ts = tsEnum(tsEnumObj);
    t.ok(Object.keys(c).length >= count, `protocol.h has at least ${count} members`);
    t.equal(Object.keys(c).length, Object.keys(ts).length, 'as many in protocol.h as in protocol.ts');
    const fromC = Object.fromEntries(Object.entries(c).map(([k, v]) => [tsName(k, prefix), v]));
    for (const [name, value] of Object.entries(fromC)) t.equal(ts[name], value, `${prefix}${name} in protocol.ts`);
    for (const [name, value] of Object.entries(ts)) t.equal(fromC[name], value, `${name} in protocol.h`);
    t.same(ts, fromC, 'same members and values');
    t.equal(new Set(Object.values(c)).size, Object.keys(c).length, 'no number used twice');
  });
}

t.test('op codes run from 1 without gaps', async (t) => {
  const values = Object.values(cEnum('op_code')).sort((a, b) => a - b);
  t.same(values, Array.from({ length: values.length }, (_, i) => i + 1));
});

t.test('plan magic and version', async (t) => {
  t.equal(cDefine('PLAN_MAGIC'), PLAN_MAGIC);
  t.equal(cDefine('PLAN_VERSION'), PLAN_VERSION);
  t.equal(PLAN_MAGIC, 0x50525354);
  t.equal(Buffer.from('TSRP', 'latin1').readUInt32LE(0), PLAN_MAGIC, '"TSRP" as little-endian bytes');
});

t.test('the name mapping', async (t) => {
  t.equal(tsName('OP_WRITE_FILE', 'OP_'), 'WriteFile');
  t.equal(tsName('OP_NO_NEW_PRIVS', 'OP_'), 'NoNewPrivs');
  t.equal(tsName('MSG_PLAN', 'MSG_'), 'Plan');
});
