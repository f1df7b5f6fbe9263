/**
 * The checks, each with an implementation that is not the project's:
 * - proofs: Digital Bazaar's `@digitalbazaar/vc` with `DataIntegrityProof` and the
 *   `eddsa-jcs-2022` and `eddsa-rdfc-2022` cryptosuites, each proof of the set on its own;
 * - status: `@digitalbazaar/vc-bitstring-status-list`, which also verifies the status list
 *   credential's own proof and that its issuer is the credential's;
 * - stock: `verifyCredential` as any verifier calls it, with that status check;
 * - safe mode: `jsonld` expansion and RDFC-1.0 canonicalisation with `safe: true`, which
 *   refuse a document with a term no context defines or a relative IRI;
 * - schema: 1EdTech's Open Badges 3.0 JSON Schema (draft 2019-09) with `ajv`.
 */

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus, statusTypeMatches} from '@digitalbazaar/vc-bitstring-status-list';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import jsonld from 'jsonld';

export const CRYPTOSUITES = ['eddsa-jcs-2022', 'eddsa-rdfc-2022'];

function suites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaJcs2022()}),
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  ];
}

export function message(error) {
  if(!error) {
    return 'unknown error';
  }
  if(Array.isArray(error)) {
    return error.map(message).join('; ');
  }
  if(error.errors) {
    return message(error.errors);
  }
  const cause = error.cause ? ` (cause: ${message(error.cause)})` : '';
  return `${error.message || String(error)}${cause}`;
}

// Proofs without status: a status check that passes, so only the proofs are judged here.
const ignoreStatus = async () => ({verified: true});

/** Each proof of the credential verified on its own, with the suites above. */
export async function checkProofs(credential, documentLoader) {
  const proofs = [credential.proof].flat().filter(Boolean);
  const results = [];
  for(const proof of proofs) {
    const single = {...credential, proof};
    const cryptosuite = proof && proof.cryptosuite;
    try {
      const result = await vc.verifyCredential({
        credential: single, suite: suites(), documentLoader, checkStatus: ignoreStatus,
      });
      results.push({
        type: proof.type, cryptosuite, verified: result.verified,
        ...(result.verified ? {} : {error: message(result.error)}),
      });
    } catch(error) {
      results.push({type: proof && proof.type, cryptosuite, verified: false, error: message(error)});
    }
  }
  return results;
}

/** The credential's status through Bitstring Status List entries, keyed by purpose. */
export async function checkBitstringStatus(credential, documentLoader) {
  let matches;
  try {
    matches = statusTypeMatches({credential});
  } catch(error) {
    return {checked: false, errors: [message(error)]};
  }
  if(!matches) {
    const types = [credential.credentialStatus].flat().filter(Boolean).map(s => s.type);
    return {
      checked: false,
      errors: [`no BitstringStatusListEntry in credentialStatus (types: ${JSON.stringify(types)})`],
    };
  }
  const result = await checkStatus({credential, documentLoader, suite: suites()});
  if(!result.verified) {
    return {checked: false, errors: [message(result.error || result.results)]};
  }
  const status = {checked: true, errors: []};
  for(const {credentialStatus, status: bit} of result.results) {
    status[credentialStatus.statusPurpose] = bit;
  }
  return status;
}

/** `verifyCredential` as a stock verifier calls it: every proof suite, the status list. */
export async function checkStock(credential, documentLoader) {
  try {
    const result = await vc.verifyCredential({
      credential, suite: suites(), documentLoader, checkStatus,
    });
    const errors = [];
    if(!result.verified) {
      const status = result.statusResult;
      const failed = (result.results || []).filter(r => !r.verified).map(r => r.error);
      errors.push(message(result.error || (failed.length ? failed : null) ||
        (status && (status.error || status.results)) || null));
    }
    const revoked = (result.statusResult?.results || []).some(
      r => r.credentialStatus?.statusPurpose === 'revocation' && r.status);
    return {verified: result.verified, errors, revoked};
  } catch(error) {
    return {verified: false, errors: [message(error)], revoked: false};
  }
}

/**
 * JSON-LD expansion and RDFC-1.0 canonicalisation in safe mode; safe mode stops at the first
 * problem, so every problem of a plain expansion is listed after it.
 */
export async function checkSafeMode(document, documentLoader) {
  const errors = [];
  for(const [step, run] of [
    ['expand', () => jsonld.expand(document, {documentLoader, safe: true})],
    ['canonize', () => jsonld.canonize(document, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader, safe: true,
    })],
  ]) {
    try {
      await run();
    } catch(error) {
      const event = error.details?.event;
      const what = event ? ` ${event.code} ${JSON.stringify(eventSubject(event.details))}` : '';
      errors.push(`${step}: ${message(error)}${what}`);
    }
  }
  if(errors.length) {
    const events = new Set();
    const eventHandler = ({event}) => {
      events.add(`${event.code} ${JSON.stringify(eventSubject(event.details))}`);
    };
    try {
      await jsonld.expand(document, {documentLoader, eventHandler});
    } catch(error) {
      events.add(`plain expansion failed: ${message(error)}`);
    }
    errors.push(...events);
  }
  return errors;
}

function eventSubject(details = {}) {
  for(const key of ['property', 'type', 'relativeIri', 'iri', 'value']) {
    if(details[key] !== undefined) {
      return details[key];
    }
  }
  return details;
}

/** ajv's errors for the document against the schema (draft 2019-09), none when valid. */
export function checkSchema(document, schema) {
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if(validate(document)) {
    return [];
  }
  return validate.errors.map(e => `${e.instancePath || '/'} ${e.message}` +
    (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
}
