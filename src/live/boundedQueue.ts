/**
 * An async iterator fed by pushes, holding at most `capacity` undelivered items. A consumer that
 * falls further behind is ended with an error instead of letting memory grow without bound.
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<(result: IteratorResult<T>) => void> = [];
  private ended = false;
  private failure: Error | null = null;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter({ value: item, done: false });
    if (this.items.length >= this.capacity) {
      this.fail(new Error(`The subscriber fell more than ${this.capacity} updates behind; subscribe again.`));
      return;
    }
    this.items.push(item);
  }

  /** Ends after what is queued has been delivered. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
    if (this.items.length === 0) for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  fail(error: Error): void {
    this.failure = error;
    this.items.length = 0;
    this.end();
    for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return { value: this.items.shift() as T, done: false };
    if (this.failure) throw this.failure;
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
