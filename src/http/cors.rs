//! CORS only where it applies: a request without `Origin` comes from no browser page, so it
//! skips the CORS layer (which costs a tenth of a microsecond per request, most of it building
//! a `Vary` value) and gets the same `Vary` names as a static header.

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

/// Wraps [`actix_cors::Cors`] so that only requests with an `Origin` go through it.
pub struct WithOrigin(pub actix_cors::Cors);

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
        let cors = self.0.new_transform(inner.clone());
        Box::pin(async move {
            Ok(WithOriginMiddleware {
                cors: cors.await?,
                inner,
            })
        })
    }
}

/// The service [`WithOrigin`] makes.
pub struct WithOriginMiddleware<S> {
    cors: actix_cors::CorsMiddleware<Rc<S>>,
    inner: Rc<S>,
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
        if req.headers().contains_key(header::ORIGIN) {
            return Either::Left(Box::pin(self.cors.call(req)));
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
