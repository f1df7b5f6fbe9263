/**
 * A JSON-LD document loader that serves only local documents and refuses everything else, so
 * a verification never touches the network and a context cannot change under a signature.
 *
 * It serves:
 * - the files given on the command line (`--document URL=FILE`): the project's bundled
 *   contexts, its own context and status list credentials as collected from the service;
 * - the issuer's DID document (`--did-document FILE`): the DID itself and each verification
 *   method by its id, as a did:web resolver would;
 * - the DID, Multikey and Data Integrity contexts from Digital Bazaar's own context packages
 *   (pinned by package-lock.json), which the project does not bundle itself.
 * A file given for a URL that one of those packages also knows must be equal to the package's
 * copy, or the URL is reported in `disagreements` (the project's copy is still used).
 */

import {readFileSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';

const PACKAGED = new Map([
  ...didContext.contexts,
  ...multikeyContext.contexts,
  ...dataIntegrityContext.contexts,
  ...credentialsContext.contexts,
]);

// Contexts served from the packages when no file is given for them. The VC 2.0 base context is
// not among them: the project bundles it, and the harness passes the project's copy.
const PACKAGED_DEFAULTS = [
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/multikey/v1',
  'https://w3id.org/security/data-integrity/v2',
];

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A file given for a URL: its JSON, and its bytes (for a digest the credential pins). */
export function readDocument(file) {
  const bytes = readFileSync(file);
  return {bytes, document: JSON.parse(bytes.toString('utf8'))};
}

export class LocalDocuments {
  constructor() {
    this.documents = new Map();
    this.bytes = new Map();
    this.refused = [];
    this.disagreements = [];
    for(const url of PACKAGED_DEFAULTS) {
      this.documents.set(url, PACKAGED.get(url));
    }
  }

  add(url, document, bytes) {
    if(bytes) {
      this.bytes.set(url, bytes);
    }
    const packaged = PACKAGED.get(url);
    if(packaged && !isDeepStrictEqual(packaged, document)) {
      this.disagreements.push(url);
    }
    this.documents.set(url, document);
  }

  addDidDocument(didDocument) {
    this.add(didDocument.id, didDocument);
    const context = didDocument['@context'];
    for(const method of didDocument.verificationMethod || []) {
      const id = method.id.startsWith('#') ? didDocument.id + method.id : method.id;
      this.documents.set(id, {'@context': context, ...method, id});
    }
  }

  get loader() {
    return async url => {
      if(this.documents.has(url)) {
        return {contextUrl: null, documentUrl: url, document: structuredClone(this.documents.get(url))};
      }
      this.refused.push(url);
      throw new Error(`refused: "${url}" is not one of the local documents (nothing is fetched)`);
    };
  }
}
