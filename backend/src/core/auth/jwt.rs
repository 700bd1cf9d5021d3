//! Access tokens: HS256 JWTs signed with a secret that is generated on first start and kept in
//! the data folder, so every replica sharing that folder (or that file) accepts the same tokens.

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

const ISSUER: &str = "oxidesk";
const AUDIENCE: &str = "oxidesk-api";
const SECRET_FILE: &str = "jwt_secret";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The session (sign-in) the token belongs to: revoking it ends the token too.
    pub sid: i64,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Kept to derive keys for other purposes (`derive`).
    secret: std::sync::Arc<[u8]>,
}

impl JwtKeys {
    pub fn from_secret(secret: &[u8]) -> JwtKeys {
        // The algorithm is pinned: a token that names another one (or "none") is rejected.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            secret: secret.into(),
        }
    }

    /// A key for another purpose (the reply tokens of ticket mail), derived from the same secret:
    /// replicas share one file, and what one purpose signs never passes as another's (HMAC of the
    /// purpose's name, as HKDF's expand step does).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(b"oxidesk derived key: ");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Reads DATA_DIR/jwt_secret, creating it (readable by the owner only) on first start.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<JwtKeys> {
        let path = data_dir.join(SECRET_FILE);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let secret = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
            return Ok(JwtKeys::from_secret(&secret));
        }
        std::fs::create_dir_all(data_dir)?;
        let mut secret = [0u8; 64];
        rand::thread_rng().fill_bytes(&mut secret);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(base64::engine::general_purpose::STANDARD.encode(secret).as_bytes())?;
                Ok(JwtKeys::from_secret(&secret))
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => JwtKeys::load_or_create(data_dir),
            Err(e) => Err(e),
        }
    }

    pub fn issue(&self, user_id: i64, session_id: i64, ttl_secs: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id,
            iat: now,
            nbf: now,
            exp: now + ttl_secs,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user and session of a valid token.
    pub fn verify(&self, token: &str) -> Option<(i64, i64)> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        Some((claims.sub.parse().ok()?, claims.sid))
    }

    /// A device's proof that the user signed in from it before (the value of its device cookie,
    /// `core::auth::lockout`). Another audience: it is never an access token, nor the reverse.
    pub fn issue_device(&self, user_id: i64, ttl_days: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = DeviceClaims {
            sub: user_id.to_string(),
            iat: now,
            nbf: now,
            exp: now + ttl_days * 86_400,
            iss: ISSUER.into(),
            aud: DEVICE_AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user a valid device token was issued to.
    pub fn device_user(&self, token: &str) -> Option<i64> {
        let mut validation = self.validation.clone();
        validation.set_audience(&[DEVICE_AUDIENCE]);
        jsonwebtoken::decode::<DeviceClaims>(token, &self.decoding, &validation).ok()?.claims.sub.parse().ok()
    }
}

const DEVICE_AUDIENCE: &str = "oxidesk-device";

#[derive(Debug, Serialize, Deserialize)]
struct DeviceClaims {
    sub: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    iss: String,
    aud: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_the_same_secret_and_in_time() {
        let keys = JwtKeys::from_secret(b"one secret that is long enough");
        let token = keys.issue(42, 7, 60).unwrap();
        assert_eq!(keys.verify(&token), Some((42, 7)));
        let other = JwtKeys::from_secret(b"another secret entirely, also long");
        assert_eq!(other.verify(&token), None);
        let expired = keys.issue(42, 7, -120).unwrap();
        assert_eq!(keys.verify(&expired), None);
    }

    #[test]
    fn device_tokens_and_access_tokens_are_not_interchangeable() {
        let keys = JwtKeys::from_secret(b"one secret that is long enough");
        let device = keys.issue_device(42, 365).unwrap();
        assert_eq!(keys.device_user(&device), Some(42));
        assert_eq!(keys.verify(&device), None);
        assert_eq!(keys.device_user(&keys.issue(42, 7, 60).unwrap()), None);
        assert_eq!(JwtKeys::from_secret(b"another secret entirely, also long").device_user(&device), None);
    }

    #[test]
    fn alg_none_is_rejected() {
        let keys = JwtKeys::from_secret(b"one secret that is long enough");
        let now = chrono::Utc::now().timestamp();
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"1","sid":1,"iat":{now},"nbf":{now},"exp":{},"iss":"oxidesk","aud":"oxidesk-api"}}"#,
            now + 60
        ));
        assert_eq!(keys.verify(&format!("{header}.{body}.")), None);
    }

    #[test]
    fn the_secret_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = JwtKeys::load_or_create(dir.path()).unwrap();
        let b = JwtKeys::load_or_create(dir.path()).unwrap();
        assert_eq!(b.verify(&a.issue(7, 1, 60).unwrap()), Some((7, 1)));
        assert_eq!(a.derive("mail"), b.derive("mail"));
        assert_ne!(a.derive("mail"), a.derive("other"));
    }
}
