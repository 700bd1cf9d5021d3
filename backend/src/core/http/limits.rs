//! What one client may hold of the server. A request's head must arrive within actix's client
//! request timeout (5 s) and an idle keep-alive connection is closed after 5 s; but actix waits
//! for a body for ever, so a client trickling a byte every few seconds would keep a connection
//! and a worker's buffer as long as it liked. Here every body must keep coming (a pause longer
//! than `body_idle_timeout_secs` ends it) and be complete within `body_timeout_secs` (408), and
//! one client address has at most `requests_in_flight_per_address` requests in progress at once
//! (429 beyond): since a connection without a request in progress is closed within seconds,
//! this caps what one address can hold open.

use std::collections::HashMap;
use std::future::Future as _;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage as _;
use futures_util::Stream;
use tokio::time::{sleep, Instant, Sleep};

use super::client::client_ip;
use crate::core::error::ApiError;

/// Limits from the configuration file.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimes {
    pub idle: Duration,
    pub total: Duration,
}

/// The error a body that did not arrive in time gives its reader.
const TOO_SLOW: &str = "The request body did not arrive in time";

/// A request body's read error as an answer: 408 when it came too slowly, else 400.
pub fn read_error(e: PayloadError) -> ApiError {
    match e {
        PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => ApiError::Timeout(format!("{io}")),
        other => ApiError::BadRequest(format!("Could not read the request body: {other}")),
    }
}

/// The body, ended with a time-out error when it pauses or lasts too long.
struct Timed {
    inner: Payload,
    times: BodyTimes,
    idle: Pin<Box<Sleep>>,
    total: Pin<Box<Sleep>>,
    done: bool,
}

impl Stream for Timed {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let next_idle = Instant::now() + self.times.idle;
                self.idle.as_mut().reset(next_idle);
                return Poll::Ready(Some(Ok(chunk)));
            }
            Poll::Ready(other) => {
                self.done = other.is_none();
                return Poll::Ready(other);
            }
            Poll::Pending => {}
        }
        let idle = self.idle.as_mut().poll(cx).is_ready();
        let total = self.total.as_mut().poll(cx).is_ready();
        if idle || total {
            self.done = true;
            let why = if idle { "it paused too long" } else { "it took too long" };
            let error = std::io::Error::new(std::io::ErrorKind::TimedOut, format!("{TOO_SLOW}: {why}"));
            return Poll::Ready(Some(Err(PayloadError::Io(error))));
        }
        Poll::Pending
    }
}

/// Requests in progress per client address.
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<HashMap<IpAddr, u32>>>);

/// One request's place, given back when it ends (answered, failed or dropped).
struct Place {
    flights: InFlight,
    ip: IpAddr,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut map = self.flights.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

impl InFlight {
    fn take(&self, ip: IpAddr, max: u32) -> Option<Place> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Place { flights: self.clone(), ip })
    }
}

/// The middleware (`actix_web::middleware::from_fn`): a place for the request, and a timed body.
pub async fn hold_back(
    flights: InFlight,
    max: u32,
    times: BodyTimes,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let place = match client_ip(req.request()) {
        Some(ip) => match flights.take(ip, max) {
            Some(place) => Some(place),
            None => {
                let refused = ApiError::RateLimited { retry_after: 1 };
                let (req, _) = req.into_parts();
                let answer = actix_web::ResponseError::error_response(&refused);
                return Ok(ServiceResponse::new(req, answer).map_into_right_body());
            }
        },
        None => None,
    };
    let inner = req.take_payload();
    let timed =
        Timed { inner, times, idle: Box::pin(sleep(times.idle)), total: Box::pin(sleep(times.total)), done: false };
    req.set_payload(Payload::Stream { payload: Box::pin(timed) });
    let answer = next.call(req).await?;
    drop(place);
    Ok(answer.map_into_left_body())
}
