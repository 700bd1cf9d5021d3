//! Password hashing with argon2id (the `argon2` crate's defaults: OWASP's recommended parameters).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Condvar, LazyLock, Mutex};

use zxcvbn::feedback::Warning;
use zxcvbn::Score;

use crate::core::error::ApiError;

/// Each hash fills a 19 MiB work area. Computed all at once, a burst of sign-ins took that many
/// times over, and the allocator kept much of what was freed (2 GB under 16 concurrent sign-ins).
/// So at most one hash per core is computed at a time, each in a work area kept for the next; the
/// rest wait their turn, and memory stays bounded under any load.
struct WorkAreas {
    free: Mutex<Vec<Vec<Block>>>,
    returned: Condvar,
}

static AREAS: LazyLock<WorkAreas> = LazyLock::new(|| {
    let slots = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    WorkAreas { free: Mutex::new(vec![Vec::new(); slots]), returned: Condvar::new() }
});

/// Runs `work` with a work area of its own, waiting (on this blocking thread) for one to be free.
fn in_a_work_area<T>(work: impl FnOnce(&mut Vec<Block>) -> T) -> T {
    let areas = &*AREAS;
    let area = {
        let mut free = areas.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match free.pop() {
                Some(area) => break area,
                None => free = areas.returned.wait(free).unwrap_or_else(|e| e.into_inner()),
            }
        }
    };
    let mut lent = Lent { areas, area };
    work(&mut lent.area)
}

/// Gives the work area back however the work ends.
struct Lent {
    areas: &'static WorkAreas,
    area: Vec<Block>,
}

impl Drop for Lent {
    fn drop(&mut self) {
        let area = std::mem::take(&mut self.area);
        self.areas.free.lock().unwrap_or_else(|e| e.into_inner()).push(area);
        self.areas.returned.notify_one();
    }
}

/// Argon2 of `password` into `out`, with the parameters a stored hash names (or ours).
fn argon2(hasher: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    let blocks = hasher.params().block_count();
    in_a_work_area(|area| {
        // Ours, and smaller ones, reuse the area; a larger one (an imported hash) gets its own
        // for the moment, so the kept areas stay at our size.
        if area.len() < blocks && blocks <= Params::default().block_count() {
            area.resize(blocks, Block::default());
        }
        match area.get_mut(..blocks) {
            Some(area) => hasher.hash_password_into_with_memory(password, salt, out, area),
            None => hasher.hash_password_into(password, salt, out),
        }
    })
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with the `argon2` crate's default
/// parameters: OWASP's recommended ones.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let failed = |e: String| ApiError::Internal(format!("argon2: {e}"));
    let hasher = Argon2::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(e.to_string()))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2(&hasher, password.as_bytes(), salt_bytes, &mut out).map_err(|e| failed(e.to_string()))?;
    let phc = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(hasher.params()).map_err(|e| failed(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| failed(e.to_string()))?),
    };
    Ok(phc.to_string())
}

/// False for a wrong password and for a stored hash that cannot be read.
pub fn verify(stored: &str, password: &str) -> bool {
    let matches = || -> Option<bool> {
        let phc = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        let version = phc.version.map_or(Ok(Version::default()), Version::try_from).ok()?;
        let params = Params::try_from(&phc).ok()?;
        let expected = phc.hash?;
        let mut salt = [0u8; 64];
        let salt = phc.salt?.decode_b64(&mut salt).ok()?;
        let mut out = vec![0u8; expected.len()];
        argon2(&Argon2::new(algorithm, version, params), password.as_bytes(), salt, &mut out).ok()?;
        // `Output`'s comparison takes the same time wherever the bytes differ.
        Some(Output::new(&out).ok()? == expected)
    };
    matches().unwrap_or(false)
}

/// Verifying against this when the user does not exist keeps a failed login as slow as a wrong
/// password, so timing does not reveal which user names exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("no user has this password").unwrap_or_default());
    let _ = verify(stored, password);
}

/// A password someone chooses: long enough (the rule the SPA's forms check too), and not one that
/// attackers try first. zxcvbn knows 30,000 common passwords with their l33t, reversed and
/// capitalised variants, and is told the person's own user name, name and address.
pub fn check_new(password: &str, personal: &[&str]) -> Result<(), String> {
    shared::validate::check_password(password)?;
    // zxcvbn's work grows with the length; the first 64 characters decide whether it is common.
    let head: String = password.chars().take(64).collect();
    let estimate = zxcvbn::zxcvbn(&head, personal);
    let warning = estimate.feedback().and_then(|f| f.warning());
    let common = matches!(
        warning,
        Some(Warning::ThisIsATop10Password | Warning::ThisIsATop100Password | Warning::ThisIsACommonPassword)
            | Some(Warning::ThisIsSimilarToACommonlyUsedPassword)
    );
    if common || estimate.score() == Score::Zero {
        let why = warning.map(|w| format!(" ({w})")).unwrap_or_default();
        return Err(format!("is too common or too easy to guess{why}; a few unrelated words make a good one"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in ["password", "password1", "P@ssw0rd1", "qwertyuiop", "iloveyou", "12345678", "aaaaaaaa"] {
            assert!(super::check_new(weak, &[]).is_err(), "{weak}");
        }
        assert!(super::check_new("johnsmith", &["johnsmith"]).is_err());
        assert!(super::check_new("short", &[]).is_err());
        for fine in ["the admin's long password", "correct horse battery staple", "a fine long password"] {
            assert_eq!(super::check_new(fine, &[]), Ok(()), "{fine}");
        }
    }

    /// Ours and the `argon2` crate's own hashing and verifying agree, for our parameters and
    /// for others a stored (imported) hash may name.
    #[test]
    fn hashes_are_the_argon2_crates() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
        use argon2::{Algorithm, Argon2, Params, Version};

        let ours = super::hash("correct horse").unwrap();
        let parsed = argon2::PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert_eq!(ours.split('$').nth(3), Some("m=19456,t=2,p=1"), "{ours}");

        let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
        for (algorithm, m) in [(Algorithm::Argon2id, 4096), (Algorithm::Argon2i, 32768), (Algorithm::Argon2d, 8)] {
            let params = Params::new(m, 1, 1, Some(24)).unwrap();
            let theirs = Argon2::new(algorithm, Version::V0x13, params).hash_password(b"pass", &salt).unwrap();
            assert!(super::verify(&theirs.to_string(), "pass"), "{theirs}");
            assert!(!super::verify(&theirs.to_string(), "Pass"), "{theirs}");
        }
    }

    #[test]
    fn hashes_verify_and_differ() {
        let a = super::hash("correct horse").unwrap();
        let b = super::hash("correct horse").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(super::verify(&a, "correct horse"));
        assert!(!super::verify(&a, "wrong horse"));
        assert!(!super::verify("garbage", "x"));
    }
}
