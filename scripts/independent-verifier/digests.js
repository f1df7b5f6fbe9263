/**
 * Documents a credential pins by digest (VC 2.0 `relatedResource`): each entry names a URL and
 * a `digestSRI` (`sha256-…`, `sha384-…`, `sha512-…`, base64) or a `digestMultibase` (a
 * multihash of sha2-256 or sha2-512, base58btc `z…` or base64url `u…`), which must be the digest
 * of the bytes of the document given for that URL.
 */

import {createHash} from 'node:crypto';

import * as base58 from 'base58-universal';

const SRI = {sha256: 'sha256', sha384: 'sha384', sha512: 'sha512'};
const MULTIHASH = {0x12: 'sha256', 0x13: 'sha512'};

function sriProblem(digestSRI, bytes) {
  const [algorithm, expected] = String(digestSRI).split(/-(.*)/s);
  if(!SRI[algorithm]) {
    return `digestSRI: unknown algorithm "${algorithm}"`;
  }
  const actual = createHash(SRI[algorithm]).update(bytes).digest('base64');
  return actual === expected ? null : `digestSRI ${digestSRI} is not ${algorithm}-${actual}`;
}

function multibaseProblem(digestMultibase, bytes) {
  const text = String(digestMultibase);
  let multihash;
  if(text.startsWith('z')) {
    multihash = Buffer.from(base58.decode(text.slice(1)));
  } else if(text.startsWith('u')) {
    multihash = Buffer.from(text.slice(1), 'base64url');
  } else {
    return `digestMultibase: unknown multibase prefix "${text[0]}"`;
  }
  const algorithm = MULTIHASH[multihash[0]];
  if(!algorithm || multihash[1] !== multihash.length - 2) {
    return `digestMultibase: not a sha2-256 or sha2-512 multihash`;
  }
  const actual = createHash(algorithm).update(bytes).digest();
  return actual.equals(multihash.subarray(2)) ? null :
    `digestMultibase ${text} is not the ${algorithm} of the document`;
}

/** Null when the credential pins nothing, else the problems (none: every digest matches). */
export function checkRelatedResources(credential, bytesByUrl) {
  if(credential.relatedResource === undefined) {
    return null;
  }
  const problems = [];
  for(const entry of [credential.relatedResource].flat()) {
    const id = entry && entry.id;
    const bytes = bytesByUrl.get(id);
    if(!bytes) {
      problems.push(`${id}: not a document given here`);
      continue;
    }
    if(!entry.digestSRI && !entry.digestMultibase) {
      problems.push(`${id}: no digestSRI nor digestMultibase`);
    }
    for(const problem of [
      entry.digestSRI && sriProblem(entry.digestSRI, bytes),
      entry.digestMultibase && multibaseProblem(entry.digestMultibase, bytes),
    ]) {
      if(problem) {
        problems.push(`${id}: ${problem}`);
      }
    }
  }
  return problems;
}
