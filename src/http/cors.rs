//! CORS only where it applies: a request without `Origin` comes from no browser page, so it
//! skips the CORS layer (which costs a tenth of a microsecond per request, most of it building
//! a `Vary` value) and gets the same `Vary` names as a static header.
//!
//! The routes of a register (their policy says `private`) have CORS of their own: only the
//! origins of `QIXIAN_REGISTER_CORS_ORIGINS`, with the key's `Authorization` header, whatever
//! the public API allows. A request from the service's own origin (its `Host`, or
//! `QIXIAN_PUBLIC_ORIGIN`) — the page, whose POSTs browsers send with an `Origin` — is no
//! cross-origin request and passes as one without `Origin` does.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{self, HeaderValue};
use futures_util::future::{Either, LocalBoxFuture};

/// The names a CORS answer varies on, as actix-cors writes them.
const VARY: HeaderValue = HeaderValue::from_static(
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
);

/// Wraps [`actix_cors::Cors`] so that only requests with an `Origin` go through it: the
/// public one, or the registers' for their routes.
pub struct WithOrigin {
    /// The public API's.
    pub public: actix_cors::Cors,
    /// The register routes'.
    pub registers: actix_cors::Cors,
    /// `QIXIAN_PUBLIC_ORIGIN`, the service's own origin behind a proxy.
    pub own: Option<String>,
}

impl<S, B> Transform<S, ServiceRequest> for WithOrigin
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = WithOriginMiddleware<S>;
    type InitError = ();
    type Future = LocalBoxFuture<'static, Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = Rc::new(service);
        let cors = self.public.new_transform(inner.clone());
        let registers = self.registers.new_transform(inner.clone());
        let own = self.own.clone();
        Box::pin(async move {
            Ok(WithOriginMiddleware {
                cors: cors.await?,
                registers: registers.await?,
                own,
                inner,
            })
        })
    }
}

/// The service [`WithOrigin`] makes.
pub struct WithOriginMiddleware<S> {
    cors: actix_cors::CorsMiddleware<Rc<S>>,
    registers: actix_cors::CorsMiddleware<Rc<S>>,
    own: Option<String>,
    inner: Rc<S>,
}

impl<S> WithOriginMiddleware<S> {
    /// Whether `origin` is the service's own: the request's `Host` (as the browser sent it),
    /// or the configured public origin.
    fn is_own(&self, req: &ServiceRequest, origin: &[u8]) -> bool {
        if self
            .own
            .as_deref()
            .is_some_and(|own| own.as_bytes() == origin)
        {
            return true;
        }
        let host = req
            .headers()
            .get(header::HOST)
            .map(HeaderValue::as_bytes)
            .or_else(|| req.uri().authority().map(|a| a.as_str().as_bytes()));
        let origin_host = origin
            .strip_prefix(b"https://")
            .or_else(|| origin.strip_prefix(b"http://"));
        matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
    }
}

impl<S, B> Service<ServiceRequest> for WithOriginMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future =
        Either<LocalBoxFuture<'static, Result<Self::Response, Self::Error>>, WithVary<S::Future>>;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let private = super::routes::endpoint_of(req.path()).is_some_and(|e| e.policy.private);
            if !private {
                return Either::Left(Box::pin(self.cors.call(req)));
            }
            if !self.is_own(&req, origin.as_bytes()) {
                return Either::Left(Box::pin(self.registers.call(req)));
            }
        }
        // No box on the common path: the inner answer's future, with the header added.
        Either::Right(WithVary {
            answer: self.inner.call(req),
        })
    }
}

pin_project_lite::pin_project! {
    /// The inner answer, with the CORS `Vary` names appended.
    pub struct WithVary<F> {
        #[pin]
        answer: F,
    }
}

impl<F, B> Future for WithVary<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().answer.poll(cx).map(|answer| {
            answer.map(|mut res| {
                res.headers_mut().append(header::VARY, VARY);
                res.map_into_left_body()
            })
        })
    }
}
