import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SqsHandler } from '../handlers/batch.js';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
  /** FIFO only: a second message with the same id within the dedup window is dropped, as SQS FIFO does. */
  readonly deduplicationId?: string;
}

export interface DeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly reason: string;
}

export interface LocalQueueOptions {
  readonly name: string;
  /** FIFO: one batch at a time, in order, with deduplication. Standard: `concurrency` batches at once. */
  readonly fifo: boolean;
  readonly batchSize: number;
  /** Parallel batches for a standard queue (like Lambda's concurrent pollers). @default 1 */
  readonly concurrency?: number;
  /** As the redrive policy's maxReceiveCount: after this many failed receives a message is dead-lettered. */
  readonly maxReceiveCount: number;
  /** First retry delay; doubles with every receive (stands in for the visibility timeout). @default 50 ms */
  readonly retryDelayMs?: number;
  readonly onDeadLetter: (letter: DeadLetter) => void;
}

/**
 * An in-process stand-in for an SQS queue feeding a Lambda through an event source mapping: batches,
 * partial batch failures, retries with back-off, a dead-letter sink, FIFO ordering and deduplication.
 * It exists because the embedded stack has no SQS; the handlers it calls are the real ones.
 */
export class LocalQueue {
  private readonly ready: QueuedMessage[] = [];
  private readonly seenDeduplicationIds = new Set<string>();
  private inFlight = 0;
  private delayed = 0;
  private nextId = 1;
  private idleWaiters: (() => void)[] = [];
  private handler: SqsHandler | undefined;

  constructor(private readonly options: LocalQueueOptions) {}

  /** Attach the consumer (the Lambda handler). Messages sent before this wait. */
  subscribe(handler: SqsHandler): void {
    this.handler = handler;
    this.pump();
  }

  send(body: string, deduplicationId?: string): void {
    if (this.options.fifo && deduplicationId !== undefined) {
      if (this.seenDeduplicationIds.has(deduplicationId)) return;
      this.seenDeduplicationIds.add(deduplicationId);
    }
    this.ready.push({ messageId: `${this.options.name}-${this.nextId++}`, body, receiveCount: 0, ...(deduplicationId !== undefined && { deduplicationId }) });
    this.pump();
  }

  get depth(): number {
    return this.ready.length + this.inFlight + this.delayed;
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    const maxBatches = this.options.fifo ? 1 : (this.options.concurrency ?? 1);
    while (this.handler && this.ready.length > 0 && this.inFlight < maxBatches) {
      const batch = this.ready.splice(0, this.options.batchSize);
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIfIdle();
      });
    }
    this.notifyIfIdle();
  }

  private async deliver(batch: QueuedMessage[]): Promise<void> {
    for (const message of batch) message.receiveCount++;
    const event: SQSEvent = { Records: batch.map((message) => this.toRecord(message)) };
    let response: SQSBatchResponse;
    let reason = 'the handler reported this message as failed';
    try {
      response = await this.handler!(event, { awsRequestId: `local-${this.options.name}-${batch[0]!.messageId}` });
    } catch (err) {
      // A handler that throws fails the whole batch, as in Lambda.
      reason = `the handler threw: ${(err as Error)?.message ?? String(err)}`;
      response = { batchItemFailures: batch.map((message) => ({ itemIdentifier: message.messageId })) };
    }
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const message of batch.filter((m) => failed.has(m.messageId))) this.retryOrDeadLetter(message, reason);
  }

  private retryOrDeadLetter(message: QueuedMessage, reason: string): void {
    if (message.receiveCount >= this.options.maxReceiveCount) {
      this.options.onDeadLetter({ queue: this.options.name, messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, reason });
      return;
    }
    this.delayed++;
    const wait = (this.options.retryDelayMs ?? 50) * 2 ** (message.receiveCount - 1);
    setTimeout(() => {
      this.delayed--;
      // FIFO: a retried message goes back to the head so the group's order is kept.
      if (this.options.fifo) this.ready.unshift(message);
      else this.ready.push(message);
      this.pump();
    }, wait).unref?.();
  }

  private notifyIfIdle(): void {
    if (this.depth !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private toRecord(message: QueuedMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: '0',
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: '0',
        ...(message.deduplicationId !== undefined && { MessageDeduplicationId: message.deduplicationId, MessageGroupId: 'site' }),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.name}`,
      awsRegion: 'local',
    };
  }
}
