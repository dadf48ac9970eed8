"""Writes of the learning module: LRS clients, pupils' learning accounts, xAPI statements and documents.

A service refuses with a ``DomainError`` (kinds in ``jiaoyun.learning.errors``); the xAPI views turn it into the
status code the specification asks for (ADR 0025).
"""

from jiaoyun.learning.services.clients import (
    AUTH_FAILURE_WINDOW,
    LRS_CLIENT_LABEL,
    authority_of,
    lrs_auth_failure_record,
    lrs_client_create,
    lrs_client_deactivate,
    lrs_client_note_version,
    lrs_client_update,
)
from jiaoyun.learning.services.documents import (
    DocKey,
    collection_etag,
    document_delete,
    document_write,
    documents_delete_all,
    etag_of,
)
from jiaoyun.learning.services.pseudonyms import learner_account, learner_accounts_for_school, learner_pseudonyms
from jiaoyun.learning.services.statements import (
    COMPLETION_VERBS,
    new_statement_ids,
    statement_store,
    statements_validate,
)

__all__ = [
    "AUTH_FAILURE_WINDOW",
    "COMPLETION_VERBS",
    "LRS_CLIENT_LABEL",
    "DocKey",
    "authority_of",
    "collection_etag",
    "document_delete",
    "document_write",
    "documents_delete_all",
    "etag_of",
    "learner_account",
    "learner_accounts_for_school",
    "learner_pseudonyms",
    "lrs_auth_failure_record",
    "lrs_client_create",
    "lrs_client_deactivate",
    "lrs_client_note_version",
    "lrs_client_update",
    "new_statement_ids",
    "statement_store",
    "statements_validate",
]
