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
