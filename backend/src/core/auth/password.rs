//! Password hashing with argon2id (the `argon2` crate's defaults: OWASP's recommended parameters).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::{Condvar, LazyLock, Mutex};

use zxcvbn::feedback::Warning;
use zxcvbn::Score;

use crate::core::error::ApiError;

/// Each hash takes 19 MiB for its moment: a burst of sign-ins computed all at once would take
/// that many times over (and the allocator keeps much of it afterwards). So at most one hash per
/// core is computed at a time, and the rest wait their turn — memory stays bounded under any load.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

static SLOTS: LazyLock<Slots> = LazyLock::new(|| Slots {
    free: Mutex::new(std::thread::available_parallelism().map_or(2, |n| n.get()).min(8)),
    freed: Condvar::new(),
});

/// Runs `work` in one of the slots, waiting (on this blocking thread) for one to be free.
fn in_a_slot<T>(work: impl FnOnce() -> T) -> T {
    let slots = &*SLOTS;
    {
        let mut free = slots.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = slots.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
    }
    let _taken = Taken(slots);
    work()
}

/// Gives the slot back however the work ends.
struct Taken(&'static Slots);

impl Drop for Taken {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

pub fn hash(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    in_a_slot(|| Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()))
        .map_err(|e| ApiError::Internal(format!("argon2: {e}")))
}

/// False for a wrong password and for a stored hash that cannot be read.
pub fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| in_a_slot(|| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()))
        .unwrap_or(false)
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
