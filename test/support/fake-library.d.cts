/** Types of fake-library.cjs (see there). */
export declare const FAKE_LIBRARY: string;
export declare function installFakeLibrary(dir: string): string;
