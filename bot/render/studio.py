"""Which SageMaker Studio domain a link may open, per account and region (a setting).

A Studio URL's host names a domain, and a domain lives in one account and one region: a link
to another account's pipeline through our domain would open an error page, or the wrong
resource. So the setting names the account and region of each domain, the parser refuses
anything that is not a domain id (the id becomes part of a host name), and the links ask for
the domain of the resource's own account and region, or get none.

``CHATOPS_STUDIO_DOMAINS``: entries ``[ACCOUNT:]REGION=DOMAIN`` separated by commas, e.g.
``us-east-1=d-abc123`` (the bot's own account, ``CHATOPS_ACCOUNT_ID``) or
``111122223333:eu-west-1=d-xyz789``. Imports nothing heavy: the settings load it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# DescribeDomain's and CreatePresignedDomainUrl's DomainId: "Pattern: ^d-(-*[a-z0-9]){1,61}",
# at most 63 characters.
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedDomainUrl.html
_DOMAIN_ID = re.compile(r"^d-(?:-*[a-z0-9]){1,61}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# The commercial partition's regions only: Studio's host there is
# ``studio-<domain>.studio.<region>.sagemaker.aws``; we know no format for China or GovCloud.
_REGION = re.compile(r"^(?!cn-|us-gov-|us-iso)[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def valid_domain_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 63 and bool(_DOMAIN_ID.match(value))


@dataclass(frozen=True, slots=True)
class StudioDomains:
    """The Studio domain of each (account, region); empty: every link goes to the console."""

    # (account, region, domain id), each checked by ``parse_studio_domains``. A tuple, not a
    # mapping: the settings copy their defaults, and a handful of entries need no index.
    entries: tuple[tuple[str, str, str], ...] = ()

    def domain_for(self, account: str | None, region: str | None) -> str | None:
        """The domain of exactly this account and region; None for any other place."""
        for entry_account, entry_region, domain in self.entries:
            if entry_account == account and entry_region == region:
                return domain
        return None

    def __bool__(self) -> bool:
        return bool(self.entries)


NO_STUDIO = StudioDomains()


def parse_studio_domains(text: str, own_account: str | None) -> StudioDomains:
    """``[ACCOUNT:]REGION=DOMAIN, …`` → ``StudioDomains``; ``ValueError`` saying what is wrong.

    An entry without an account is the bot's own account, which must then be known.
    """
    places: dict[tuple[str, str], str] = {}
    for raw in text.replace(";", ",").split(","):
        entry = raw.strip()
        if not entry:
            continue
        place, sep, domain = entry.partition("=")
        domain = domain.strip()
        if not sep or not domain:
            raise ValueError(f"{entry!r}: write [ACCOUNT:]REGION=DOMAIN, e.g. us-east-1=d-abc123")
        account, _, region = place.strip().rpartition(":")
        account = account.strip() or (own_account or "")
        region = region.strip()
        if not valid_domain_id(domain):
            raise ValueError(
                f"{entry!r}: {domain!r} is not a Studio domain id "
                "(d- then lower-case letters, digits and hyphens, as DescribeDomain shows it)"
            )
        if not account:
            raise ValueError(
                f"{entry!r}: whose account? Set CHATOPS_ACCOUNT_ID or write ACCOUNT:REGION=DOMAIN"
            )
        if not _ACCOUNT_ID.match(account):
            raise ValueError(f"{entry!r}: {account!r} is not an AWS account id (12 digits)")
        if not _REGION.match(region):
            raise ValueError(
                f"{entry!r}: {region!r} is not a region of the aws partition "
                "(Studio links are made there only; China and GovCloud link to the console)"
            )
        if places.get((account, region), domain) != domain:
            raise ValueError(f"{account}:{region} is given two Studio domains")
        places[(account, region)] = domain
    return StudioDomains(tuple((a, r, d) for (a, r), d in places.items()))
