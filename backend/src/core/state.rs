//! What every handler shares, built once at start and passed as `web::Data<AppState>`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Config;
use crate::core::auth::apikeys::KeyRecord;
use crate::core::auth::jwt::JwtKeys;
use crate::core::auth::lockout::Lockout;
use crate::core::db::{AnyConnection, DbPool, Engine};
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::{Consumer, Sink};

/// The purpose the reply tokens' key is derived for (`JwtKeys::derive`).
const REPLY_TOKEN_PURPOSE: &str = "mail reply tokens";

pub struct AppState {
    pub pool: DbPool,
    pub engine: Engine,
    pub config: Config,
    pub jwt: JwtKeys,
    pub login_limiter: LoginLimiter,
    /// Failed sign-ins per account (core::auth::lockout).
    pub lockout: Lockout,
    pub keys: KeyCache,
    /// Where the rules' events go (the process's consumers, the public address for links),
    /// shared cheaply with every request's `Caller`.
    pub events: Sink,
    /// The live updates' broadcast and open streams (core::live; the poller is live::hub).
    pub live: crate::core::live::Hub,
    /// The desk side bar's counts per caller and their views (tickets::counts).
    pub counts: crate::core::memo::Memo<shared::notifications::TicketCounts>,
}

impl AppState {
    pub fn new(pool: DbPool, config: Config, jwt: JwtKeys, consumers: &'static [Consumer]) -> AppState {
        AppState {
            engine: Engine::of_url(&config.database_url),
            login_limiter: LoginLimiter::per_minute(config.login_attempts_per_minute),
            lockout: Lockout::new(config.failed_sign_ins_per_account),
            keys: KeyCache::default(),
            events: Sink {
                consumers,
                public_url: config.public_url.as_str().into(),
                token_key: jwt.derive(REPLY_TOKEN_PURPOSE).as_slice().into(),
            },
            live: Default::default(),
            counts: Default::default(),
            pool,
            config,
            jwt,
        }
    }

    /// Runs blocking database work on actix's thread pool, so request threads never wait on I/O.
    pub async fn db<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }
}

/// Keys checked in the last few seconds, so that a program's requests do not each look their key
/// up. A revoked key therefore stops working within `KEY_CACHE_TTL` on every replica. Keys that
/// were not found are not kept (random keys must not grow the cache).
#[derive(Default)]
pub struct KeyCache(Mutex<HashMap<String, (KeyRecord, Instant)>>);

pub const KEY_CACHE_TTL: Duration = Duration::from_secs(2);
const KEY_CACHE_MAX: usize = 10_000;

impl KeyCache {
    pub fn get(&self, fingerprint: &str) -> Option<KeyRecord> {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(fingerprint).filter(|(_, at)| at.elapsed() < KEY_CACHE_TTL).map(|(k, _)| k.clone())
    }

    pub fn put(&self, fingerprint: String, record: KeyRecord) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= KEY_CACHE_MAX {
            map.retain(|_, (_, at)| at.elapsed() < KEY_CACHE_TTL);
        }
        map.insert(fingerprint, (record, Instant::now()));
    }
}

/// Login attempts per client address. Kept in memory: each replica limits on its own, which still
/// caps guessing at (replicas × limit) per minute.
pub struct LoginLimiter(DefaultKeyedRateLimiter<IpAddr>);

impl LoginLimiter {
    pub fn per_minute(n: u32) -> LoginLimiter {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        LoginLimiter(RateLimiter::keyed(Quota::per_minute(n)))
    }

    pub fn check(&self, ip: IpAddr) -> ApiResult<()> {
        self.0.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited { retry_after: wait.as_secs().max(1) }
        })
    }
}
