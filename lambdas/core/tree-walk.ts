import type { Node, Parent } from 'unist';

/**
 * Call `visit` on `root` and every node below it, in document order (pre-order, as `unist-util-visit` does), without
 * recursion. For the walks that only read (or change a node's own fields): `unist-util-visit` names a function after
 * every node it enters (`Object.defineProperty(fn, 'name', …)`, for stack traces), which made it ~8% of processing a
 * long post; this is a loop over an explicit stack. `T` is the tree's node union (mdast's or hast's `Nodes`).
 */
export function forEachNode<T extends Node>(root: T, visit: (node: T) => void): void {
  const stack: T[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    visit(node);
    const children = (node as Partial<Parent>).children as T[] | undefined;
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
