/** The same keys as the English messages, each a string: what a translation must give. */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };
