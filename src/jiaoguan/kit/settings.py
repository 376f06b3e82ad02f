"""Settings from the environment (prefix JIAOGUAN_), with defaults that run the embedded product."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIAOGUAN_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""  # empty → SQLite file in data_dir
    secret_key: str = ""  # empty → generated once and kept in data_dir/secret_key
    public_base_url: str = "http://127.0.0.1:8000"
    default_locale: str = "zh_Hans"
    env: str = Field(default="development", description="development | test | production")
    demo_people: int = 2000
    # How long one process reuses a dashboard of the figures it built for the same period and region (seconds;
    # 0: never). The figures are maintained from events the worker delivers, so they are seconds behind anyway.
    stats_cache_seconds: float = 10.0
    # Sign-in back-off (password and SMS code): after this many failures an account waits 1 minute, then a wait
    # doubling with each further failure, up to signin_max_delay_minutes; a client address likewise.
    signin_free_failures: int = 5
    signin_free_failures_per_address: int = 30
    signin_max_delay_minutes: int = 15
    # Sending sign-in codes: per phone (one per interval, and per hour), per client address, and overall.
    sms_code_interval_seconds: int = 60
    sms_codes_per_phone_per_hour: int = 5
    sms_codes_per_address_per_hour: int = 20
    sms_codes_per_hour: int = 2000
    # Other SMS (reminders) to one phone per hour, counted in the database across workers; sign-in codes are
    # limited when asked for (above) and are not held back by this cap.
    sms_cap_per_hour: int = 5
    run_worker_in_process: bool = True
    # Database connections per server process: kept open, opened beyond them under load, and how long a request
    # may wait for one (seconds). Size them with the server's processes against PostgreSQL's max_connections.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout: float = 30.0
    # Requests of one server process that may use the database at the same time; the others wait their turn on
    # the event loop. One process runs Python on one core at a time: more requests in flight than it takes to
    # keep that core busy while some wait for the database only add switching. Unset: 8 when the requests' I/O is
    # the event loop's (PostgreSQL, below), 4 when it is worker threads'. Measured on 2 cores, 32 clients, one
    # process: threads, 4 against 8: +6 % scans, +12 % records and queue pages, −2 % searches (3: no better);
    # event loop, 8 against 4: +9 % records, +14 % queue, +5 % searches, scans the same; 16 against 8: −6 %
    # records, −13 % scans, +11 % searches.
    requests_in_flight: int | None = None
    # On PostgreSQL, a request's statements are sent by the event loop (psycopg's async driver; the sync service
    # code runs in a greenlet that pauses at each round trip) instead of by a worker thread that blocks on them.
    # False: worker threads, as on SQLite. See kit.db.get_request_sessionmaker.
    database_io_on_event_loop: bool = True
    # Audit checkpoints: an Ed25519 key the database does not hold (production: a file on another volume),
    # and the folder the signed checkpoints are appended to (JSON lines). Empty = under data_dir/audit/.
    audit_key_file: Path | None = None
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_minutes: float = 5.0

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'jiaoguan.db').resolve()}"

    @property
    def effective_audit_key_file(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit" / "checkpoint-key.pem"

    @property
    def effective_audit_checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "audit" / "checkpoints"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def effective_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise RuntimeError("JIAOGUAN_SECRET_KEY must be set in production")
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")


@cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    get_settings.cache_clear()
