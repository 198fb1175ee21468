/**
 * Label children cached by one label value, at most `max` of them; any later value shares the
 * `overflow` child. Label values such as operation names come from clients: without a cap a
 * client could grow the series (and this map) without end. A hit is one Map lookup and no
 * allocation, which is what the gateway's hot path can afford per request.
 */
export class BoundedChildren<C> {
  private readonly children = new Map<string, C>();
  private overflowChild: C | undefined;

  constructor(
    private readonly make: (value: string) => C,
    private readonly max: number,
    private readonly overflow = '(other)',
  ) {}

  get(value: string): C {
    const child = this.children.get(value);
    if (child !== undefined) return child;
    if (this.children.size >= this.max) return (this.overflowChild ??= this.make(this.overflow));
    const made = this.make(value);
    this.children.set(value, made);
    return made;
  }
}
