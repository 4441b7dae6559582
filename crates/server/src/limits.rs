//! Rate limits: per key, shared by every replica over the catalog, and per
//! client address, per replica.
//!
//! [`crate::guard`] applies a [`Limiter`] once it knows each request's
//! caller. A request with a key counts against the key's
//! limit; one without a key against its address's. `/healthz` and
//! `/metrics` are never limited; every request to `/mcp` counts, so MCP
//! tool calls count like REST requests. A conditional request answered 304
//! costs nothing (it is charged only when it was not a 304, and refused
//! then if over the limit). Refusals are 429 with `Retry-After`; every
//! limited answer carries `RateLimit-Policy` and `RateLimit`
//! (draft-ietf-httpapi-ratelimit-headers).
//!
//! Addresses are limited by `governor` (GCRA, in memory). A key's limit is
//! one GCRA state in the catalog ([`specdex_store::reserve`]): a server
//! reserves requests from it in batches sized to its recent demand (one at
//! first, doubling while each batch is used up within [`LEASE`], then as
//! many as one lease used), so the catalog is asked about once per lease,
//! not per request, and N replicas together never admit more than the
//! key's quota. A busy key's next batch is reserved in the background when
//! half of the current one is used ([`PREFETCH_FROM`]), so its requests do
//! not wait for the catalog at each refill.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, Request};
use axum::http::header::{IF_MODIFIED_SINCE, IF_NONE_MATCH, RETRY_AFTER};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use specdex_query::{Engine, QueryError};
use specdex_store::RateQuota;

use crate::auth::Authenticated;
use crate::error::ApiError;

/// Paths never limited: what load balancers and monitoring poll.
const UNLIMITED_PATHS: &[&str] = &["/healthz", "/metrics"];

/// How long reserved requests of a key stay usable by this server; what is
/// left then is given up (the limit errs on the strict side).
pub const LEASE: Duration = Duration::from_secs(1);

/// The smallest batch whose successor is reserved ahead, in the background.
/// Smaller batches are refilled when used up: a key that slow gains nothing
/// from it, and requests reserved ahead and left unused would count against
/// a small quota.
const PREFETCH_FROM: u64 = 8;

/// Addresses remembered before the idle ones are forgotten.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

/// `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers).
static RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// The limits a server applies; `None` leaves that kind unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per window for each key, across every replica.
    pub per_key: Option<RateQuota>,
    /// Requests per window for each client address without a key, on this
    /// server.
    pub per_address: Option<RateQuota>,
}

/// Reads `600/min`, `10/s`, `5000/h`, `100000/d` (also `second`, `minute`,
/// `hour`, `day`) as a quota.
pub fn parse_rate(text: &str) -> Result<RateQuota, String> {
    let wrong =
        || format!("`{text}`: write requests per window, as 600/min, 10/s, 5000/h or 100000/d");
    let (count, window) = text.trim().split_once('/').ok_or_else(wrong)?;
    let cells: u64 = count.trim().parse().map_err(|_| wrong())?;
    let seconds: i64 = match window.trim() {
        "s" | "sec" | "second" => 1,
        "m" | "min" | "minute" => 60,
        "h" | "hour" => 3600,
        "d" | "day" => 86_400,
        _ => return Err(wrong()),
    };
    if cells == 0 || cells > u64::from(u32::MAX) {
        return Err(format!(
            "`{text}`: allow between 1 and {} requests",
            u32::MAX
        ));
    }
    Ok(RateQuota {
        cells,
        window_us: seconds * 1_000_000,
    })
}

/// The limiter [`crate::guard`] applies to each request once it knows the
/// caller; `None` when nothing is limited. Limits per address need the
/// connection's address (`into_make_service_with_connect_info::<SocketAddr>`,
/// as [`crate::serve`] does); requests without one are not limited by
/// address.
pub(crate) fn limiter(engine: Arc<Engine>, limits: RateLimits) -> Option<Limiter> {
    if limits == RateLimits::default() {
        return None;
    }
    Some(Limiter {
        keys: limits.per_key.map(|quota| KeyLimits {
            quota,
            policy: policy("key", quota),
            engine,
            keys: RwLock::new(HashMap::new()),
        }),
        addresses: limits.per_address.map(AddressLimits::new),
    })
}

pub(crate) struct Limiter {
    keys: Option<KeyLimits>,
    addresses: Option<AddressLimits>,
}

/// What a limit decided for one request.
enum Decision {
    /// Admitted, with this many requests left at once.
    Admitted { remaining: u64, reset: Duration },
    /// Refused for this long.
    Refused { retry_after: Duration },
}

/// The limit a request counts against.
enum Subject<'a> {
    Key {
        limits: &'a KeyLimits,
        state: Arc<KeyState>,
    },
    Address {
        limits: &'a AddressLimits,
        ip: IpAddr,
    },
}

impl Subject<'_> {
    fn label(&self) -> &'static str {
        match self {
            Subject::Key { .. } => "key",
            Subject::Address { .. } => "address",
        }
    }

    fn quota(&self) -> RateQuota {
        match self {
            Subject::Key { limits, .. } => limits.quota,
            Subject::Address { limits, .. } => limits.quota,
        }
    }

    fn policy(&self) -> &HeaderValue {
        match self {
            Subject::Key { limits, .. } => &limits.policy,
            Subject::Address { limits, .. } => &limits.policy,
        }
    }

    async fn take(&self) -> Result<Decision, ApiError> {
        match self {
            Subject::Key { limits, state } => limits.take(state).await,
            Subject::Address { limits, ip } => Ok(limits.take(*ip)),
        }
    }
}

impl Limiter {
    /// Answers `request` through `next` if its limit admits it (the caller
    /// is known: [`Authenticated`] is in its extensions).
    pub(crate) async fn admit(&self, request: Request, next: Next) -> Response {
        if UNLIMITED_PATHS.contains(&request.uri().path()) {
            return next.run(request).await;
        }
        let Some(subject) = self.subject(&request) else {
            return next.run(request).await;
        };
        admit_as(subject, request, next).await
    }
}

async fn admit_as(subject: Subject<'_>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if headers.contains_key(IF_NONE_MATCH) || headers.contains_key(IF_MODIFIED_SINCE) {
        // Charged only if it was not a 304.
        let response = next.run(request).await;
        if response.status() == StatusCode::NOT_MODIFIED {
            return response;
        }
        return match subject.take().await {
            Ok(decision @ Decision::Admitted { .. }) => with_headers(response, &subject, &decision),
            Ok(decision) => refuse(&subject, &decision),
            Err(error) => error.into_response(),
        };
    }
    match subject.take().await {
        Ok(decision @ Decision::Admitted { .. }) => {
            let response = next.run(request).await;
            with_headers(response, &subject, &decision)
        }
        Ok(decision) => refuse(&subject, &decision),
        Err(error) => error.into_response(),
    }
}

impl Limiter {
    /// The limit a request counts against, if one is set.
    fn subject(&self, request: &Request) -> Option<Subject<'_>> {
        let caller = request
            .extensions()
            .get::<Authenticated>()
            .and_then(|authenticated| authenticated.0.as_ref());
        match caller {
            Some(caller) => {
                let limits = self.keys.as_ref()?;
                Some(Subject::Key {
                    limits,
                    state: limits.state(&caller.name),
                })
            }
            None => {
                let ConnectInfo(address) = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
                Some(Subject::Address {
                    limits: self.addresses.as_ref()?,
                    ip: address.ip(),
                })
            }
        }
    }
}

/// Limits per client address, in this server's memory.
struct AddressLimits {
    quota: RateQuota,
    /// Its `RateLimit-Policy`.
    policy: HeaderValue,
    limiter: RateLimiter<
        IpAddr,
        DefaultKeyedStateStore<IpAddr>,
        DefaultClock,
        StateInformationMiddleware,
    >,
    clock: DefaultClock,
    /// Requests since the idle addresses were last forgotten.
    since_cleanup: AtomicU64,
}

impl AddressLimits {
    fn new(quota: RateQuota) -> AddressLimits {
        let burst = NonZeroU32::new(u32::try_from(quota.cells).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN);
        let period = Duration::from_micros(u64::try_from(quota.period_us()).unwrap_or(1));
        let governed = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        AddressLimits {
            quota,
            policy: policy("address", quota),
            limiter: RateLimiter::keyed(governed).with_middleware::<StateInformationMiddleware>(),
            clock: DefaultClock::default(),
            since_cleanup: AtomicU64::new(0),
        }
    }

    fn take(&self, ip: IpAddr) -> Decision {
        // Memory stays bounded under a flood of addresses: now and then,
        // those whose state has fully recovered are forgotten.
        if self
            .since_cleanup
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(4096)
            && self.limiter.len() > MAX_TRACKED_ADDRESSES
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(&ip) {
            Ok(state) => {
                let remaining = u64::from(state.remaining_burst_capacity());
                Decision::Admitted {
                    remaining,
                    reset: self.refill_time(remaining),
                }
            }
            Err(not_until) => Decision::Refused {
                retry_after: not_until.wait_time_from(self.clock.now()),
            },
        }
    }

    /// How long until the whole burst is available again.
    fn refill_time(&self, remaining: u64) -> Duration {
        let used = self.quota.cells.saturating_sub(remaining);
        Duration::from_micros(
            used.saturating_mul(u64::try_from(self.quota.period_us()).unwrap_or(1)),
        )
    }
}

/// Limits per key, reserved from the catalog in batches.
struct KeyLimits {
    quota: RateQuota,
    /// Its `RateLimit-Policy`.
    policy: HeaderValue,
    engine: Arc<Engine>,
    /// Read by every request with a key, written when a key is first seen.
    keys: RwLock<HashMap<String, Arc<KeyState>>>,
}

/// One key's requests on this server.
struct KeyState {
    /// The key's name, as the catalog knows it.
    name: String,
    lease: Mutex<Lease>,
    /// Held while a reservation is made, so that requests arriving
    /// together at an empty lease ask the catalog once, not each.
    refilling: tokio::sync::Mutex<()>,
}

/// Requests of one key this server has reserved.
#[derive(Debug, Clone, Copy, Default)]
struct Lease {
    /// Reserved and not yet used.
    left: u64,
    /// When what is left is given up.
    expires: Option<Instant>,
    /// How many the catalog granted last time (0: never, or refused).
    granted: u64,
    /// The key's remaining requests across replicas at the reservation.
    remaining: u64,
    /// Refused by the catalog until then.
    refused_until: Option<Instant>,
    /// The next batch is being reserved in the background (or that failed:
    /// then the lease is refilled when used up, as a small one is).
    prefetching: bool,
}

impl Lease {
    /// How many to reserve when this lease is used up or expired: twice
    /// the last batch if it was used up within its time (demand outgrew
    /// it); as many as were used if it expired (demand is that size, so a
    /// steady client asks the catalog about once per [`LEASE`] and little
    /// is given up unused); one at first or after the key sat idle.
    fn next_batch(&self, now: Instant) -> u64 {
        let Some(expires) = self.expires.filter(|_| self.granted > 0) else {
            return 1;
        };
        if expires + LEASE < now {
            1
        } else if self.left == 0 && expires > now {
            self.granted.saturating_mul(2)
        } else {
            self.granted.saturating_sub(self.left).max(1)
        }
    }

    /// How many to reserve ahead now, if the lease is a busy key's and half
    /// used: twice the batch if that half went within half the lease, else
    /// the same again. Marks the lease as prefetching.
    fn prefetch(&mut self, now: Instant) -> Option<u64> {
        let expires = self.expires?;
        if self.prefetching || self.granted < PREFETCH_FROM || self.left > self.granted / 2 {
            return None;
        }
        self.prefetching = true;
        let fast = expires
            .checked_sub(LEASE / 2)
            .is_some_and(|half| now < half);
        Some(if fast {
            self.granted.saturating_mul(2)
        } else {
            self.granted
        })
    }

    /// A new lease from `now` of what `reservation` granted, with `carried`
    /// requests left from the last one.
    fn granted(now: Instant, reservation: &specdex_store::Reservation, carried: u64) -> Lease {
        Lease {
            left: carried + reservation.granted,
            expires: Some(now + LEASE),
            granted: reservation.granted,
            remaining: reservation.remaining,
            refused_until: None,
            prefetching: false,
        }
    }

    /// Adds a batch reserved ahead to what is left, all of it usable for a
    /// new lease from `now`; a refusal leaves the lease to be used up.
    fn extend(&mut self, now: Instant, reservation: &specdex_store::Reservation) {
        if reservation.granted > 0 {
            *self = Lease::granted(now, reservation, self.left);
        }
    }

    /// A request from what is reserved, if the lease can say now.
    fn take(&mut self, now: Instant, reset: Duration) -> Option<Decision> {
        if let Some(until) = self.refused_until.filter(|until| *until > now) {
            return Some(Decision::Refused {
                retry_after: until - now,
            });
        }
        if self.left > 0 && self.expires.is_some_and(|expires| expires > now) {
            self.left -= 1;
            return Some(Decision::Admitted {
                remaining: self.remaining + self.left,
                reset,
            });
        }
        None
    }
}

impl KeyLimits {
    /// The largest batch: a twentieth of the quota, so the requests a
    /// server holds unused stay a small part of the limit.
    fn max_batch(&self) -> u64 {
        (self.quota.cells / 20).max(1)
    }

    /// The state of the key `name` on this server.
    fn state(&self, name: &str) -> Arc<KeyState> {
        let known = self
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned();
        if let Some(state) = known {
            return state;
        }
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = keys.get(name) {
            return state.clone();
        }
        // Forget keys unused for a while, so the map stays the size of the
        // keys in use.
        if keys.len() >= 10_000 {
            let now = Instant::now();
            keys.retain(|_, state| {
                lock(&state.lease)
                    .expires
                    .is_some_and(|expires| expires + LEASE > now)
            });
        }
        let state = Arc::new(KeyState {
            name: name.to_owned(),
            lease: Mutex::new(Lease::default()),
            refilling: tokio::sync::Mutex::new(()),
        });
        keys.insert(name.to_owned(), state.clone());
        state
    }

    async fn take(&self, state: &Arc<KeyState>) -> Result<Decision, ApiError> {
        let (taken, ahead) = {
            let mut lease = lock(&state.lease);
            let now = Instant::now();
            let taken = lease.take(now, self.reset());
            let ahead = taken.as_ref().and_then(|_| lease.prefetch(now));
            (taken, ahead.map(|want| want.min(self.max_batch())))
        };
        if let Some(want) = ahead {
            self.reserve_ahead(state.clone(), want);
        }
        if let Some(decision) = taken {
            return Ok(decision);
        }
        let _refilling = state.refilling.lock().await;
        // Another request may have refilled it meanwhile.
        let batch = {
            let mut lease = lock(&state.lease);
            if let Some(decision) = lease.take(Instant::now(), self.reset()) {
                return Ok(decision);
            }
            lease.next_batch(Instant::now()).min(self.max_batch())
        };
        let reservation = self.reserve(&state.name, batch).await?;
        let now = Instant::now();
        let mut lease = lock(&state.lease);
        *lease = if reservation.granted == 0 {
            let retry_after =
                Duration::from_micros(u64::try_from(reservation.retry_after_us).unwrap_or(1));
            Lease {
                refused_until: Some(now + retry_after),
                ..Lease::default()
            }
        } else {
            Lease::granted(now, &reservation, 0)
        };
        Ok(lease.take(now, self.reset()).unwrap_or(Decision::Refused {
            retry_after: Duration::from_secs(1),
        }))
    }

    /// Reserves `want` more requests of the key in the background, added to
    /// its lease when granted. The request that asked does not wait.
    fn reserve_ahead(&self, state: Arc<KeyState>, want: u64) {
        let (engine, quota) = (self.engine.clone(), self.quota);
        drop(tokio::task::spawn_blocking(move || {
            // A failure or refusal leaves the lease to be used up; the
            // request that finds it empty reserves (and reports) itself.
            if let Ok(Some(reservation)) = reserve_blocking(&engine, &state.name, want, quota) {
                lock(&state.lease).extend(Instant::now(), &reservation);
            }
        }));
    }

    /// Reserves `want` requests of the key from the catalog, on the
    /// blocking pool.
    async fn reserve(&self, name: &str, want: u64) -> Result<specdex_store::Reservation, ApiError> {
        let (engine, name, quota) = (self.engine.clone(), name.to_owned(), self.quota);
        let reserved =
            tokio::task::spawn_blocking(move || reserve_blocking(&engine, &name, want, quota))
                .await;
        match reserved {
            Ok(Ok(Some(reservation))) => Ok(reservation),
            // Revoked or removed meanwhile: the key check refuses it next.
            Ok(Ok(None)) => Err(ApiError::Query(QueryError::Unauthorized(
                "this key is no longer valid".to_owned(),
            ))),
            Ok(Err(e)) => Err(ApiError::Query(QueryError::from(e))),
            Err(failure) => Err(ApiError::Other {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "internal",
                message: format!("checking the key's rate limit failed: {failure}"),
            }),
        }
    }

    /// The window: a key's state recovers fully within it.
    fn reset(&self) -> Duration {
        Duration::from_micros(u64::try_from(self.quota.window_us).unwrap_or(0))
    }
}

/// Reserves `want` requests of the key `name` from the catalog now.
fn reserve_blocking(
    engine: &Engine,
    name: &str,
    want: u64,
    quota: RateQuota,
) -> Result<Option<specdex_store::Reservation>, specdex_store::StoreError> {
    let now_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    engine
        .catalog()
        .reserve_key_requests(name, want, quota, now_us)
}

/// 429 with `Retry-After` and the limit's headers; counted in
/// `specdex_rate_limited_requests_total`.
fn refuse(subject: &Subject<'_>, decision: &Decision) -> Response {
    let quota = subject.quota();
    metrics::counter!(crate::metrics::RATE_LIMITED, "limit" => subject.label()).increment(1);
    let Decision::Refused { retry_after } = decision else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let seconds = whole_seconds(*retry_after);
    let message = match subject {
        Subject::Key { .. } => format!(
            "this key's limit of {} is used up; retry in {seconds} s",
            describe(quota)
        ),
        Subject::Address { .. } => format!(
            "the limit of {} for requests without a key is used up; retry in {seconds} s, \
             or send a key",
            describe(quota)
        ),
    };
    let response = ApiError::Other {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: "rate_limited",
        message,
    }
    .into_response();
    let mut response = with_headers(response, subject, decision);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Adds `RateLimit-Policy: "key";q=600;w=60` and `RateLimit:
/// "key";r=12;t=5`.
fn with_headers(mut response: Response, subject: &Subject<'_>, decision: &Decision) -> Response {
    let label = subject.label();
    let (remaining, reset) = match decision {
        Decision::Admitted { remaining, reset } => (*remaining, *reset),
        Decision::Refused { retry_after } => (0, *retry_after),
    };
    let headers = response.headers_mut();
    headers.insert(RATELIMIT_POLICY.clone(), subject.policy().clone());
    let state = format!("\"{label}\";r={remaining};t={}", whole_seconds(reset));
    if let Ok(state) = HeaderValue::try_from(state) {
        headers.insert(RATELIMIT.clone(), state);
    }
    response
}

/// `"key";q=600;w=60`: the `RateLimit-Policy` of a limit, made once.
fn policy(label: &str, quota: RateQuota) -> HeaderValue {
    let window = quota.window_us / 1_000_000;
    HeaderValue::try_from(format!("\"{label}\";q={};w={window}", quota.cells))
        .unwrap_or(HeaderValue::from_static(""))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A lease stays sound if a holder panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `600 requests per 60 s`.
fn describe(quota: RateQuota) -> String {
    format!(
        "{} requests per {} s",
        quota.cells,
        quota.window_us / 1_000_000
    )
}

/// Seconds, rounded up: a client that waits that long is admitted.
fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use specdex_store::Reservation;

    use super::{LEASE, Lease, parse_rate};

    /// A lease of `granted` requests reserved at `reserved`, `left` unused.
    fn reserved_at(reserved: Instant, granted: u64, left: u64) -> Lease {
        Lease {
            left,
            expires: Some(reserved + LEASE),
            granted,
            ..Lease::default()
        }
    }

    #[test]
    fn a_batch_follows_the_demand_of_the_last_lease() {
        let reserved = Instant::now();
        let lease = |granted, left| reserved_at(reserved, granted, left);
        let within = reserved + Duration::from_millis(300);
        let just_after = reserved + LEASE + Duration::from_millis(10);
        let idle = reserved + LEASE * 5;
        assert_eq!(Lease::default().next_batch(within), 1, "never reserved");
        assert_eq!(lease(8, 0).next_batch(within), 16, "used up early: grow");
        assert_eq!(lease(8, 0).next_batch(just_after), 8, "used up in time");
        assert_eq!(lease(8, 3).next_batch(just_after), 5, "what was used");
        assert_eq!(lease(8, 8).next_batch(just_after), 1, "none used");
        assert_eq!(lease(8, 0).next_batch(idle), 1, "idle: start small");
        assert_eq!(lease(0, 0).next_batch(within), 1, "refused last");
        assert_eq!(lease(u64::MAX, 0).next_batch(within), u64::MAX);
    }

    #[test]
    fn a_busy_key_reserves_ahead_once_half_is_used() {
        let reserved = Instant::now();
        let lease = |granted, left| reserved_at(reserved, granted, left);
        let early = reserved + Duration::from_millis(100);
        let late = reserved + Duration::from_millis(700);
        assert_eq!(lease(16, 9).prefetch(early), None, "less than half used");
        let mut busy = lease(16, 8);
        assert_eq!(busy.prefetch(early), Some(32), "half gone early: grow");
        assert_eq!(
            busy.prefetch(early),
            None,
            "one reservation ahead at a time"
        );
        assert_eq!(lease(16, 8).prefetch(late), Some(16), "half gone in time");
        assert_eq!(lease(4, 0).prefetch(early), None, "a small batch is not");
        assert_eq!(Lease::default().prefetch(early), None, "never reserved");

        let refused = Reservation {
            granted: 0,
            remaining: 0,
            retry_after_us: 5_000_000,
            tat_us: 0,
        };
        busy.extend(late, &refused);
        assert_eq!((busy.left, busy.prefetching), (8, true), "used up first");
        busy.extend(
            late,
            &Reservation {
                granted: 32,
                remaining: 100,
                ..refused
            },
        );
        assert_eq!(
            (busy.left, busy.granted, busy.remaining, busy.prefetching),
            (40, 32, 100, false)
        );
        assert_eq!(busy.expires, Some(late + LEASE), "a new lease for all");
    }

    #[test]
    fn rates_read_as_requests_per_window() {
        let minute = parse_rate("600/min").map(|q| (q.cells, q.window_us));
        assert_eq!(minute, Ok((600, 60_000_000)));
        assert_eq!(parse_rate("10/s").map(|q| q.window_us), Ok(1_000_000));
        assert_eq!(parse_rate(" 5000 / hour ").map(|q| q.cells), Ok(5000));
        for wrong in [
            "600",
            "0/min",
            "-1/min",
            "10/week",
            "ten/min",
            "99999999999/s",
        ] {
            assert!(parse_rate(wrong).is_err(), "{wrong}");
        }
    }
}
