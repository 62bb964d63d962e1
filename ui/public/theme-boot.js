// Applies the saved theme to <html data-theme> before the page is painted, so a dark choice never
// flashes light while the app loads. A classic script in <head> (not inline: the window's CSP allows
// only files of the app); stores/theme.ts takes over once Vue runs and uses the same key and values.
(() => {
  const systemDark = () => {
    try {
      return window.matchMedia('(prefers-color-scheme: dark)').matches
    } catch {
      return false
    }
  }
  let saved = null
  try {
    saved = window.localStorage.getItem('nanoforge.theme')
  } catch {
    // Storage can be missing or refuse (private modes): the system's choice.
  }
  const theme = saved === 'light' || saved === 'dark' ? saved : systemDark() ? 'dark' : 'light'
  document.documentElement.dataset.theme = theme
})()
