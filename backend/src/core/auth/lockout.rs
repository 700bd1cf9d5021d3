//! Failed sign-ins per account. The limit per address (`state::LoginLimiter`) does not stop a
//! guesser with many addresses, and behind a shared proxy it would hold everyone back together;
//! this one counts the failures of each account, whatever their address. Once an account has
//! had `limit` failures in 15 minutes, sign-ins to it from unknown devices wait until the window
//! ends (429) without their password being tried. A device the person signed in from before
//! carries a device cookie (a signed token, `JwtKeys::issue_device`) and is not held back, so the
//! guesser slows the account, not its owner; a reset link clears the count too.
//!
//! Kept in memory like the address limit: each replica counts on its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window over which failures count.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Accounts tracked at most; beyond it, windows that ended are dropped, then unknown names.
const TRACKED: usize = 100_000;

/// Whose failures: a known account, or a name no account has (counted the same, so that the
/// answers do not tell which names exist).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    User(i64),
    Unknown(String),
}

impl Account {
    pub fn unknown(login: &str) -> Account {
        Account::Unknown(login.trim().to_lowercase().chars().take(254).collect())
    }
}

struct Failures {
    count: u32,
    since: Instant,
}

pub struct Lockout {
    limit: u32,
    failures: Mutex<HashMap<Account, Failures>>,
}

impl Lockout {
    pub fn new(limit: u32) -> Lockout {
        Lockout { limit: limit.max(1), failures: Mutex::new(HashMap::new()) }
    }

    /// Seconds until the account takes sign-ins from unknown devices again, while it is locked.
    pub fn locked(&self, account: &Account) -> Option<u64> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let f = failures.get(account)?;
        let left = WINDOW.checked_sub(f.since.elapsed())?;
        (f.count >= self.limit).then(|| left.as_secs().max(1))
    }

    pub fn failed(&self, account: Account) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= TRACKED {
            failures.retain(|_, f| f.since.elapsed() < WINDOW);
            if failures.len() >= TRACKED {
                failures.retain(|a, _| matches!(a, Account::User(_)));
            }
        }
        let now = Instant::now();
        let f = failures.entry(account).or_insert(Failures { count: 0, since: now });
        if f.since.elapsed() >= WINDOW {
            *f = Failures { count: 0, since: now };
        }
        f.count += 1;
    }

    /// The owner proved it (a reset link): the account takes sign-ins again.
    pub fn clear(&self, user_id: i64) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&Account::User(user_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_limit_and_a_reset_unlocks_it() {
        let lockout = Lockout::new(3);
        let alice = Account::User(7);
        for _ in 0..2 {
            lockout.failed(alice.clone());
        }
        assert_eq!(lockout.locked(&alice), None);
        lockout.failed(alice.clone());
        assert!(lockout.locked(&alice).is_some_and(|s| s > 0 && s <= 900));
        assert_eq!(lockout.locked(&Account::User(8)), None, "other accounts are not touched");
        lockout.clear(7);
        assert_eq!(lockout.locked(&alice), None);
    }

    #[test]
    fn unknown_names_count_like_accounts_whatever_their_case() {
        let lockout = Lockout::new(1);
        lockout.failed(Account::unknown(" Nobody "));
        assert!(lockout.locked(&Account::unknown("nobody")).is_some());
    }
}
