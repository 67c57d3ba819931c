"""Register look-ups (SSBTEK): a person's incomes and benefits from the authorities, asked
through one interface (`register_service`), answered by a simulator (`simulator`) until the
real service is connected (`adapters`), audited and kept in the case's journal (`lookups`)."""
