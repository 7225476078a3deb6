# policyc serve in a container: built in a Rust image, run from a small
# Debian one as an unprivileged user. Policies are baked in from policies/;
# mount your own at /policies to serve others. The decision log goes to the
# /log volume.
#
#   docker build -t policyc .
#   docker run -p 8080:8080 -v policyc-log:/log policyc

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin policyc

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home policyc \
 && mkdir /log && chown policyc /log
COPY --from=build /src/target/release/policyc /usr/local/bin/policyc
COPY policies /policies
USER policyc
VOLUME /log
EXPOSE 8080
# Inside the container the server listens on every interface so the port
# can be published; authenticate callers at the gateway in front of it, or
# add --token-file.
ENTRYPOINT ["policyc", "serve", "--policies", "/policies", "--addr", "0.0.0.0:8080", "--decision-log", "/log/decisions.ndjson"]
