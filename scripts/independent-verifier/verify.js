#!/usr/bin/env node
/**
 * Verify a volunteer-ledger certificate with implementations that are not the project's, from
 * local files only (nothing is fetched):
 *
 *   node verify.js CREDENTIAL.json --did-document DID.json \
 *     [--document URL=FILE ...] [--schema OB3_SCHEMA.json]
 *
 * `--document` gives each other document the credential needs by its URL: JSON-LD contexts and
 * status list credentials. Prints a JSON verdict on standard output:
 *
 *   {verified, errors, checks: {name: bool}, proofs: [...], status: {checked, revocation, ...},
 *    schema: "ok" | [errors], safeMode: "ok" | [errors], relatedResource: "ok" | [errors],
 *    refused: [urls], disagreements: [urls]}
 *
 * `relatedResource` (and the check `related-resources`) only when the credential pins documents
 * by digest (VC 2.0 `relatedResource` with `digestSRI` or `digestMultibase`): each must be a
 * document given here whose bytes have that digest.
 *
 * `verified` is what a stock `verifyCredential` with the Bitstring Status List check says (it
 * says true for a revoked credential, as the status list itself was verified); `checks` names
 * each check; the exit code is 0 when every check passes (revoked is a failed check), else 1,
 * and 2 for bad arguments.
 */

import {parseArgs} from 'node:util';

import {
  CRYPTOSUITES, checkBitstringStatus, checkProofs, checkSafeMode, checkSchema, checkStock,
} from './checks.js';
import {checkRelatedResources} from './digests.js';
import {LocalDocuments, readDocument, readJson} from './loader.js';

function usage(text) {
  process.stderr.write(`${text}\nusage: node verify.js CREDENTIAL.json --did-document FILE ` +
    '[--document URL=FILE ...] [--schema FILE]\n');
  process.exit(2);
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'did-document': {type: 'string', multiple: true, default: []},
        document: {type: 'string', multiple: true, default: []},
        schema: {type: 'string'},
      },
    });
  } catch(error) {
    usage(error.message);
  }
  const {positionals, values} = parsed;
  if(positionals.length !== 1) {
    usage('give exactly one credential file');
  }
  const documents = new LocalDocuments();
  for(const file of values['did-document']) {
    documents.addDidDocument(readJson(file));
  }
  for(const pair of values.document) {
    const at = pair.lastIndexOf('=');
    if(at <= 0) {
      usage(`--document wants URL=FILE, not ${pair}`);
    }
    const {document, bytes} = readDocument(pair.slice(at + 1));
    documents.add(pair.slice(0, at), document, bytes);
  }
  const schema = values.schema ? readJson(values.schema) : null;
  return {credential: readJson(positionals[0]), documents, schema};
}

async function main() {
  const {credential, documents, schema} = parse();
  const loader = documents.loader;

  const proofs = await checkProofs(credential, loader);
  const status = await checkBitstringStatus(credential, loader);
  const stock = await checkStock(credential, loader);
  const safeMode = await checkSafeMode(credential, loader);
  const schemaErrors = schema ? checkSchema(credential, schema) : ['no schema given'];
  const related = checkRelatedResources(credential, documents.bytes);

  const checks = {};
  for(const suite of CRYPTOSUITES) {
    checks[`proof:${suite}`] = proofs.some(p => p.cryptosuite === suite && p.verified);
  }
  checks['proofs:all'] = proofs.length > 0 && proofs.every(p => p.verified);
  checks['status:bitstring'] = status.checked;
  checks['status:not-revoked'] = status.checked && status.revocation === false;
  checks.stock = stock.verified;
  checks['jsonld-safe-mode'] = safeMode.length === 0;
  checks['ob3-schema'] = schemaErrors.length === 0;
  if(related) {
    checks['related-resources'] = related.length === 0;
  }

  const verdict = {
    verified: stock.verified,
    errors: [...stock.errors, ...proofs.filter(p => p.error).map(p => `${p.cryptosuite}: ${p.error}`)],
    checks,
    proofs,
    status: {...status, revocation: status.checked && 'revocation' in status ? status.revocation : null},
    schema: schemaErrors.length ? schemaErrors : 'ok',
    safeMode: safeMode.length ? safeMode : 'ok',
    ...(related ? {relatedResource: related.length ? related : 'ok'} : {}),
    refused: [...new Set(documents.refused)],
    disagreements: documents.disagreements,
  };
  process.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
  process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
