import { pipe as rxPipe, type UnaryFunction } from 'rxjs';

/**
 * RxJS-style `pipe` for topology objects: `stream.pipe(filter(...), mapValues(...), to('out'))`.
 * Operators are unary functions from one topology object to the next, composed with RxJS's own
 * `pipe`; they add nodes to the graph and run nothing.
 */
export abstract class Pipeable {
  pipe(): this;
  pipe<A>(op1: UnaryFunction<this, A>): A;
  pipe<A, B>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>): B;
  pipe<A, B, C>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>): C;
  pipe<A, B, C, D>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>): D;
  pipe<A, B, C, D, E>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>, op5: UnaryFunction<D, E>): E;
  pipe<A, B, C, D, E, F>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>, op5: UnaryFunction<D, E>, op6: UnaryFunction<E, F>): F;
  pipe<A, B, C, D, E, F, G>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>, op5: UnaryFunction<D, E>, op6: UnaryFunction<E, F>, op7: UnaryFunction<F, G>): G;
  pipe<A, B, C, D, E, F, G, H>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>, op5: UnaryFunction<D, E>, op6: UnaryFunction<E, F>, op7: UnaryFunction<F, G>, op8: UnaryFunction<G, H>): H;
  pipe<A, B, C, D, E, F, G, H, I>(op1: UnaryFunction<this, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>, op4: UnaryFunction<C, D>, op5: UnaryFunction<D, E>, op6: UnaryFunction<E, F>, op7: UnaryFunction<F, G>, op8: UnaryFunction<G, H>, op9: UnaryFunction<H, I>): I;
  pipe(...operators: UnaryFunction<any, any>[]): any {
    // The overloads above carry the types; the implementation only composes.
    return (rxPipe as (...fns: UnaryFunction<any, any>[]) => UnaryFunction<any, any>)(...operators)(this);
  }
}
