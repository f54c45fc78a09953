/**
 * A bash program that loads a completion script, sets COMP_WORDS and COMP_CWORD as bash does
 * for `words` with the cursor at the end, calls the completion function and prints what it put
 * in COMPREPLY, one per line. `words[0]` is the program the script calls back (its argv[0]).
 */
export function bashCompletionProgram(script: string, words: string[], fn = '_pipeline_pause'): string {
  const quoted = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return `source '${script}'\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}\n${fn}\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
}
