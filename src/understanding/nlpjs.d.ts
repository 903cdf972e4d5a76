/** The few NLP.js entry points this folder uses (the packages ship no type declarations). */
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
    get(name: string): unknown;
    register(name: string, value: unknown, isSingleton?: boolean): void;
    registerConfiguration(tag: string, settings: object, overwrite?: boolean): void;
  }
  export function containerBootstrap(settings?: object): Promise<Container>;
}
declare module '@nlpjs/nlp' {
  export class Nlp {
    constructor(settings?: object);
  }
}
declare module '@nlpjs/lang-en-min' {
  export class LangEn {}
}
