import { execFileSync } from 'node:child_process'

/** Writes a self-signed certificate for 127.0.0.1 (RSA 2048, one day) and its key, in PEM, with OpenSSL. */
export function writeSelfSignedCert(certFile: string, keyFile: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile
    ],
    { stdio: 'ignore' }
  )
}
