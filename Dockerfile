# The Telusur API. Build: docker build -t telusur .   (or docker compose build)
# Runtime dependencies only: the dev extra (pytest, ruff, playwright, ...) stays out.

# -- build a wheel of the project and of every runtime dependency ---------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip wheel --wheel-dir /wheels .

# -- runtime ----------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 10001 telusur \
    && useradd --system --uid 10001 --gid telusur --home-dir /app --create-home telusur \
    && install -d -o telusur -g telusur -m 0700 /var/lib/telusur
# users, the audit trails and Propam's store (flags): a volume in docker-compose.yml
ENV TELUSUR_STATE_DIR=/var/lib/telusur
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels telusur && rm -rf /wheels
WORKDIR /app
USER telusur
EXPOSE 8000
CMD ["telusur", "serve", "--host", "0.0.0.0"]
