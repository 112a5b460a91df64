package com.ledger.platform.jobs;

/** The outcome of an enqueue: the job, and whether it already existed within its uniqueness window. */
public record Enqueued(Job job, boolean duplicate) {}
