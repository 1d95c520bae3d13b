# Image for the dsrflow worker and API; docker-compose.yml runs it twice with other commands.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# /data is created here, owned by the service user, so a new named volume mounted there
# inherits that owner and the key files can be written.
RUN pip install --no-cache-dir --no-deps -e . \
    && useradd --system --home /app dsrflow \
    && mkdir /data && chown dsrflow /data
USER dsrflow
ENV DSRFLOW_DATA_DIR=/data
ENTRYPOINT ["dsrflow"]
