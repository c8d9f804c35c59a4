"""Reading one metrics document from S3, at most ``MAX_DOCUMENT_BYTES`` of it.

One ``GetObject`` with a ``Range`` one byte past the limit: a larger document costs no more
than the limit to find out, and the bot's role needs nothing but ``s3:GetObject`` (KMS
decryption, when the object is encrypted with a customer key, happens inside that call). Every
failure comes out as a :class:`DocumentUnavailableError` whose ``reason`` a card shows in a few
words ("access denied", "not found"); the details go to the log.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

from bot.aws.errors import AwsError
from bot.evidence.locations import S3Location

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 1_048_576  # 1 MiB: a metrics document is a few KB; more is not one to show
TOO_LARGE = "larger than 1 MiB"


class DocumentUnavailableError(AwsError):
    """A document could not be read; ``reason`` says why in a few words. ``lasting``: the
    document itself is the cause (too large, empty), so reading it again gives the same."""

    def __init__(self, reason: str, *, lasting: bool = False, code: str | None = None) -> None:
        super().__init__(f"metrics unavailable: {reason}", code=code, operation="GetObject")
        self.reason = reason
        self.lasting = lasting


def read_document(s3: S3Client, uri: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of the document at ``uri`` (``s3://bucket/key``), at most ``max_bytes``."""
    location = S3Location.parse(uri)
    if location is None:
        raise DocumentUnavailableError("not an S3 location", lasting=True)
    try:
        response = s3.get_object(
            Bucket=location.bucket, Key=location.key, Range=f"bytes=0-{max_bytes}"
        )
        body = response["Body"]
        try:
            data = body.read(max_bytes + 1)
        finally:
            body.close()
    except ClientError as exc:
        unavailable = _client_error(exc)
        logger.warning("reading %s failed: %s", uri, exc)
        raise unavailable from exc
    except NoCredentialsError as exc:
        raise DocumentUnavailableError("the bot has no AWS credentials") from exc
    except ParamValidationError as exc:  # a bucket or key S3 cannot have
        raise DocumentUnavailableError("not a valid S3 location", lasting=True) from exc
    except (ReadTimeoutError, ConnectTimeoutError) as exc:
        logger.warning("reading %s timed out: %r", uri, exc)
        raise DocumentUnavailableError("S3 did not answer in time") from exc
    except BotoCoreError as exc:
        logger.warning("reading %s failed: %r", uri, exc)
        raise DocumentUnavailableError("could not reach S3") from exc
    total = _total_size(response.get("ContentRange"))
    if len(data) > max_bytes or (total is not None and total > max_bytes):
        raise DocumentUnavailableError(TOO_LARGE, lasting=True)
    return data


def _total_size(content_range: str | None) -> int | None:
    """``bytes 0-1048576/5242880`` → 5242880."""
    total = (content_range or "").rpartition("/")[2]
    return int(total) if total.isdigit() else None


def _client_error(exc: ClientError) -> DocumentUnavailableError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "")
    message = str(error.get("Message") or "").lower()
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in ("NoSuchKey", "NotFound", "404"):
        return DocumentUnavailableError("not found", code=code)
    if code == "NoSuchBucket":
        return DocumentUnavailableError("its bucket does not exist", code=code)
    if code == "InvalidRange":  # a range of an empty object cannot be satisfied
        return DocumentUnavailableError("empty", lasting=True, code=code)
    # S3 answers AccessDenied for a missing kms:Decrypt too; only its message names KMS.
    if code.startswith("KMS.") or (status == 403 and "kms" in message):
        return DocumentUnavailableError("access to its KMS key denied", code=code)
    if status == 403 or code in ("AccessDenied", "AllAccessDisabled"):
        return DocumentUnavailableError("access denied", code=code)
    if code == "InvalidObjectState":
        return DocumentUnavailableError("archived, not readable", code=code)
    if code in ("SlowDown", "Throttling", "ThrottlingException") or status == 503:
        return DocumentUnavailableError("S3 is throttling the bot", code=code)
    if isinstance(status, int) and status >= 500:
        return DocumentUnavailableError("S3 had an internal error", code=code)
    return DocumentUnavailableError(f"S3 refused it ({code or status})", code=code)
