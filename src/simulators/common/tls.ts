import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

export interface GeneratedTls {
  /** PEM of the self-signed CA that signed the server certificate: what a client trusts. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  // Node's native generator is ~100x faster than forge's pure-JS RSA.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/**
 * Signs a certificate with SHA-256 and RSA through Node's crypto, as forge's own `sign` would
 * (the same fields set, the same DER signed): forge's pure-JavaScript RSA takes seconds under
 * Node 24's jest environment, Node's native one a millisecond.
 */
function signCertificate(cert: forge.pki.Certificate, privateKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption;
  cert.signatureOid = oid;
  cert.siginfo.algorithmOid = oid;
  // In forge since 0.7, missing from its type declarations.
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(this: void, c: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pki.getTBSCertificate(cert);
  (cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, privateKeyPem).toString('binary');
}

function serialNumber(): string {
  // Positive serial: clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

/**
 * Generates a private CA and a server certificate signed by it, as a VB365 server with a
 * self-signed certificate looks to a client that was given the CA file.
 */
export function generateServerTls(hostNames: string[] = ['localhost'], ipAddresses: string[] = ['127.0.0.1', '::1']): GeneratedTls {
  const now = new Date();
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const notBefore = new Date(now.getTime() - 3600 * 1000);

  const caKeys = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  caCert.serialNumber = serialNumber();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  const caSubject = [
    { name: 'commonName', value: 'Simulated VB365 Root CA' },
    { name: 'organizationName', value: 'Restore Gateway Simulators' },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(caCert, caKeys.privateKeyPem);

  const serverKeys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: hostNames[0] ?? 'localhost' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...hostNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  signCertificate(cert, caKeys.privateKeyPem);

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: serverKeys.privateKeyPem,
  };
}
