/**
 * The harness itself, on a certificate made here with Digital Bazaar's own signing code as
 * issue 17 wants ours to be: OB 3.0, a proof set of eddsa-jcs-2022 and eddsa-rdfc-2022, a
 * Bitstring Status List entry. So each check is seen to pass for a conforming credential and
 * to fail for a changed or revoked one, before the project's credentials get there.
 */

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {before, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {createSignCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {
  VC_BSL_VC_V2_CONTEXT, createCredential, createList,
} from '@digitalbazaar/vc-bitstring-status-list';

import {LocalDocuments, readJson} from '../loader.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const VERIFIER = join(HERE, '..', 'verify.js');
const CONTEXTS = join(HERE, '..', '..', '..', 'trust', 'contexts');
const SCHEMA = join(HERE, '..', 'schema', 'ob_v3p0_achievementcredential_schema.json');
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const DID = 'did:web:volunteer.example';
const LIST_URL = 'https://volunteer.example/v1/status-lists/revocation/1';
const INDEX = 5;

const folder = mkdtempSync(join(tmpdir(), 'independent-verifier-test-'));
let keyPair;
let didDocument;
let documents;

function file(name, document) {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(document));
  return path;
}

async function sign(unsigned) {
  // A proof set: each proof over the document without proofs.
  const proofs = [];
  for(const cryptosuite of [createSignCryptosuite(), rdfc]) {
    const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
    const signed = await vc.issue({
      credential: structuredClone(unsigned), suite, documentLoader: documents.loader,
    });
    proofs.push(signed.proof);
  }
  return {...unsigned, proof: proofs};
}

async function statusList({revoked}) {
  const list = await createList({length: 131072});
  list.setStatus(INDEX, revoked);
  const unsigned = await createCredential({
    id: LIST_URL, list, statusPurpose: 'revocation', context: VC_BSL_VC_V2_CONTEXT,
  });
  return sign({...unsigned, issuer: DID, validFrom: '2026-01-01T00:00:00Z'});
}

function certificate() {
  return {
    '@context': [VC_V2, OB_V3],
    id: 'urn:uuid:6f1d5b0e-3a52-4f3c-9d35-0b6d3c1e2a11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: '志愿服务证明 / Certificate of Volunteer Service',
    issuer: {id: DID, type: ['Profile'], name: '和平里社区'},
    validFrom: '2026-12-07T08:00:00Z',
    // One object: 1EdTech's OB 3.0 schema takes no array here (and wants an id).
    credentialStatus: {
      id: `${LIST_URL}#${INDEX}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(INDEX),
      statusListCredential: LIST_URL,
    },
    credentialSubject: {
      type: ['AchievementSubject'],
      creditsEarned: 2.83,
      achievement: {
        id: 'urn:uuid:0c2b6a8e-5a43-4c8e-8a57-2f5d1b7c9e10',
        type: ['Achievement'],
        name: '志愿服务 / Volunteer service',
        description: 'Approved hours of volunteer service.',
        criteria: {narrative: 'Each counted record was approved by an organiser.'},
      },
    },
  };
}

function verify(credential, list, extra = []) {
  const args = [
    VERIFIER, file('credential.json', credential),
    '--did-document', file('did.json', didDocument),
    '--document', `${VC_V2}=${join(CONTEXTS, 'credentials-v2.jsonld')}`,
    '--document', `${OB_V3}=${join(CONTEXTS, 'ob-3.0.3.json')}`,
    '--document', `${LIST_URL}=${file('list.json', list)}`,
    '--schema', SCHEMA, ...extra,
  ];
  const done = spawnSync(process.execPath, args, {encoding: 'utf8'});
  assert.ok([0, 1].includes(done.status), done.stderr);
  return {code: done.status, verdict: JSON.parse(done.stdout)};
}

before(async () => {
  keyPair = await Ed25519Multikey.generate({controller: DID});
  const method = await keyPair.export({publicKey: true, includeContext: false});
  didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: DID,
    verificationMethod: [method],
    assertionMethod: [method.id],
  };
  documents = new LocalDocuments();
  documents.addDidDocument(didDocument);
  documents.add(VC_V2, readJson(join(CONTEXTS, 'credentials-v2.jsonld')));
  documents.add(OB_V3, readJson(join(CONTEXTS, 'ob-3.0.3.json')));
});

test('a conforming certificate passes every check', async () => {
  const {code, verdict} = verify(await sign(certificate()), await statusList({revoked: false}));
  assert.deepEqual(verdict.checks, {
    'proof:eddsa-jcs-2022': true,
    'proof:eddsa-rdfc-2022': true,
    'proofs:all': true,
    'status:bitstring': true,
    'status:not-revoked': true,
    stock: true,
    'jsonld-safe-mode': true,
    'ob3-schema': true,
  }, JSON.stringify(verdict, null, 2));
  assert.equal(verdict.status.revocation, false);
  assert.equal(code, 0);
});

test('a certificate with its hours changed fails both proofs', async () => {
  const changed = await sign(certificate());
  changed.credentialSubject.creditsEarned = 3.83;
  const {code, verdict} = verify(changed, await statusList({revoked: false}));
  assert.equal(verdict.checks['proof:eddsa-jcs-2022'], false);
  assert.equal(verdict.checks['proof:eddsa-rdfc-2022'], false);
  assert.equal(verdict.verified, false);
  assert.equal(code, 1);
});

test('a revoked certificate is reported revoked through the status list', async () => {
  const {code, verdict} = verify(await sign(certificate()), await statusList({revoked: true}));
  assert.equal(verdict.status.checked, true);
  assert.equal(verdict.status.revocation, true);
  assert.equal(verdict.checks['status:not-revoked'], false);
  assert.equal(code, 1);
});

test('a status list that is not the issuer\'s own signed one is not trusted', async () => {
  const list = await statusList({revoked: false});
  list.credentialSubject.encodedList = (await statusList({revoked: true})).credentialSubject
    .encodedList;
  const {verdict} = verify(await sign(certificate()), list);
  assert.equal(verdict.checks['status:bitstring'], false);
});

test('a context that is not given is refused, not fetched', async () => {
  const credential = await sign(certificate());
  credential['@context'].push('https://volunteer.example/ns/v1');
  const {verdict} = verify(credential, await statusList({revoked: false}));
  assert.ok(verdict.refused.includes('https://volunteer.example/ns/v1'));
  assert.equal(verdict.checks['jsonld-safe-mode'], false);
});

test('a context pinned by digest passes only with the bytes it was pinned to', async () => {
  const bytes = readFileSync(join(CONTEXTS, 'ob-3.0.3.json'));
  const credential = certificate();
  credential.relatedResource = [{
    id: OB_V3,
    digestSRI: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
  }];
  const list = await statusList({revoked: false});
  const pinned = verify(await sign(credential), list).verdict;
  assert.equal(pinned.checks['related-resources'], true, JSON.stringify(pinned.relatedResource));
  assert.equal(pinned.checks['ob3-schema'], true, JSON.stringify(pinned.schema));

  const changed = join(folder, 'ob-changed.json');
  writeFileSync(changed, bytes.toString('utf8').replace(/\n$/, '') + ' \n');
  const {verdict} = verify(await sign(credential), list, ['--document', `${OB_V3}=${changed}`]);
  assert.equal(verdict.checks['related-resources'], false);
});
