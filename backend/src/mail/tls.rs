//! TLS for the mail servers (rustls with ring): the system's trusted roots, plus the
//! administrator's extra certificates (`[mail] ca_file`: a private CA, a self-signed server).

use std::sync::{Arc, OnceLock};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tokio_rustls::rustls;

/// A connector that trusts the system's roots and `extra_ca` (PEM).
pub fn connector(extra_ca: Option<&[u8]>) -> Result<tokio_rustls::TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(pem) = extra_ca {
        add_extra_ca(&mut roots, pem)?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// The system's CA certificates, loaded once per process (reading /etc/ssl on every poll tick
/// would be wasted work). Load errors are ignored: an extra CA may be all that is needed.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        for e in &loaded.errors {
            tracing::debug!(error = %e, "ignoring a system CA certificate that cannot be loaded");
        }
        loaded.certs
    })
}

fn add_extra_ca(roots: &mut rustls::RootCertStore, pem: &[u8]) -> Result<(), String> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("the extra CA certificate is not valid PEM: {e}"))?;
        roots.add(cert).map_err(|e| format!("the extra CA certificate cannot be used: {e}"))?;
        added += 1;
    }
    if added == 0 {
        return Err("the extra CA certificate contains no PEM certificate".into());
    }
    Ok(())
}

/// Why a TLS handshake failed, in the desk's words with what to change, for any error that
/// carries one (an I/O error of tokio-rustls, or lettre's error around it). rustls' own texts are
/// not shown: some quote the certificate's names, which the remote side chose.
pub fn failure(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(e);
    while let Some(e) = next {
        // An io::Error's source() skips the error it wraps: look at that one too.
        let wrapped = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|w| w as &(dyn std::error::Error + 'static));
        for candidate in [Some(e), wrapped].into_iter().flatten() {
            if let Some(tls) = candidate.downcast_ref::<rustls::Error>() {
                return Some(describe(tls));
            }
        }
        next = wrapped.and_then(|w| w.source()).or_else(|| e.source());
    }
    None
}

fn describe(e: &rustls::Error) -> &'static str {
    use rustls::{CertificateError as C, Error as E};
    match e {
        // BadSignature: a trusted root has the subject of the server's issuer but did not sign
        // it, e.g. a self-signed "CN=localhost" next to Debian's snakeoil certificate.
        E::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => {
            "the server's certificate is not signed by a trusted authority (for a self-signed server, add its certificate as the extra CA)"
        }
        E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "the server's certificate is not valid for this host name"
        }
        E::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => "the server's certificate has expired",
        E::InvalidCertificate(_) => "the server's certificate is not acceptable",
        E::InvalidMessage(_) | E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            "the server does not speak TLS on this port (check the port and the security setting)"
        }
        E::AlertReceived(_) => "the server refused the TLS handshake",
        _ => "the TLS handshake failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_found_inside_io_errors_and_never_quote_the_certificate() {
        let named = rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext {
            expected: rustls_pki_types::ServerName::try_from("mail.example.com").unwrap(),
            presented: vec!["evil <script>".into()],
        });
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, named);
        let text = failure(&io).unwrap();
        assert_eq!(text, "the server's certificate is not valid for this host name");
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert!(failure(&io).unwrap().contains("not signed by a trusted authority"));
        assert_eq!(failure(&std::io::Error::from(std::io::ErrorKind::ConnectionReset)), None);
    }
}
