/* The hook pages translate with; the catalogues and rules are in lang.ts. */
import { translate, type Vars } from './lang';
import { useAppState } from './state';

export * from './lang';

export function useT(): (key: string, vars?: Vars) => string {
	const { lang } = useAppState();
	return (key, vars) => translate(lang, key, vars);
}
