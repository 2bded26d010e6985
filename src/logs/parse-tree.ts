import { WILDCARD } from './mask.js';
import { isVariable } from './tokens.js';

/** A leaf of the parse tree: the templates that lines with one length and first words may join. */
export interface Leaf<T> {
  items: T[];
}

interface Node<T> {
  children: Map<string, Node<T>>;
  leaf: Leaf<T>;
}

/**
 * Drain's fixed-depth tree: the first level is the token count, the next `routeTokens` levels the
 * first constant tokens (variables are skipped, so lines that open with a timestamp or an id are
 * still told apart by their words), so a line is compared only with templates that share its length
 * and first words. A word arriving when a node already has `maxChildren` children takes the
 * wildcard branch, which bounds the tree under a flood of distinct words.
 */
export class ParseTree<T> {
  private readonly byLength = new Map<number, Node<T>>();

  constructor(
    private readonly routeTokens: number,
    private readonly maxChildren: number,
  ) {}

  /** The leaf a line belongs to, created on the way when missing. */
  leafFor(tokens: readonly string[]): Leaf<T> {
    let node = this.lengthNode(tokens.length);
    let depth = 0;
    for (let i = 0; i < tokens.length && depth < this.routeTokens; i++) {
      if (isVariable(tokens[i])) continue;
      depth++;
      const key = this.keyAt(node, tokens[i]);
      let child = node.children.get(key);
      if (child === undefined) {
        child = newNode<T>();
        node.children.set(key, child);
      }
      node = child;
    }
    return node.leaf;
  }

  /** The leaf a line would reach, without creating anything; undefined when none exists yet. */
  find(tokens: readonly string[]): Leaf<T> | undefined {
    let node = this.byLength.get(tokens.length);
    let depth = 0;
    for (let i = 0; node !== undefined && i < tokens.length && depth < this.routeTokens; i++) {
      if (isVariable(tokens[i])) continue;
      depth++;
      node = node.children.get(this.keyAt(node, tokens[i]));
    }
    return node?.leaf;
  }

  /** The keys `leafFor` followed for these tokens (call it after `leafFor`), to store with a template. */
  route(tokens: readonly string[]): string[] {
    let node = this.lengthNode(tokens.length);
    const keys: string[] = [];
    for (let i = 0; i < tokens.length && keys.length < this.routeTokens; i++) {
      if (isVariable(tokens[i])) continue;
      const key = this.keyAt(node, tokens[i]);
      keys.push(key);
      node = node.children.get(key) ?? newNode<T>();
    }
    return keys;
  }

  /** The leaf at a length and route, created on the way when missing. */
  leafAt(length: number, route: readonly string[]): Leaf<T> {
    let node = this.lengthNode(length);
    for (const key of route) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = newNode<T>();
        node.children.set(key, child);
      }
      node = child;
    }
    return node.leaf;
  }

  private lengthNode(length: number): Node<T> {
    let node = this.byLength.get(length);
    if (node === undefined) {
      node = newNode<T>();
      this.byLength.set(length, node);
    }
    return node;
  }

  private keyAt(node: Node<T>, token: string): string {
    if (isVariable(token)) return WILDCARD;
    if (node.children.has(token) || node.children.size < this.maxChildren) return token;
    return WILDCARD;
  }
}

function newNode<T>(): Node<T> {
  return { children: new Map(), leaf: { items: [] } };
}
