package com.ledger.payments;

import java.math.BigDecimal;
import java.util.UUID;

/** A validated create/validate body: positive amount (2 decimals), normalized enums, trimmed description. */
record PaymentDraft(BigDecimal amount, String direction, String paymentType, String description, UUID accountId) {}
