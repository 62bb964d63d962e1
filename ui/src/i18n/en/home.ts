export default {
  title: 'Welcome to Nanoforge',
  intro: 'Type a prompt, pick a size, and keep every image on this device in a fast, searchable gallery.',
  cta: 'Generate your first image',
  ctaHint: 'Takes a few seconds. Nothing leaves your device until you add an API key.',
  howTitle: 'How it works',
  steps: {
    prompt: {
      title: 'Prompt → size → gallery',
      body: 'Describe the picture, choose Fast, Balanced, Quality or Ultra, and it lands in your gallery with its settings.',
    },
    offline: {
      title: 'Offline, on your device',
      body: 'Your library lives in a folder on this computer. Browsing, searching and history work without a network.',
    },
    demo: {
      title: 'Demo mode until you add a key',
      body: 'Without a Nano Banana API key, generating uses an offline demo that draws procedural pictures.',
      link: 'Add a key in Settings',
    },
  },
  loadError: 'Could not reach the Nanoforge core: {error}',
  account: {
    signIn: 'Sign in',
    offer: 'Have a Google account? Signing in keeps a separate library for it on this device (optional).',
    whose: 'This is {name}’s library on this device.',
  },
  // Strings of the app shell (navigation, skip link, theme toggle, quitting).
  shell: {
    mainNav: 'Main',
    skipToContent: 'Skip to content',
    version: 'v{version}',
    themeToggle: 'Theme: {theme} (click to change)',
    // One-word labels for the phone tab bar, where seven destinations share 390 px.
    short: {
      home: 'Home',
      dashboard: 'Stats',
      generator: 'Create',
      gallery: 'Gallery',
      history: 'History',
      analytics: 'Charts',
      references: 'Refs',
      settings: 'Settings',
    },
    // Closing the window while paid requests are in flight: the app waits for them, then exits by itself.
    quitting: {
      title: 'Closing Nanoforge… | Finishing {n} paid request… | Finishing {n} paid requests…',
      body: 'It was paid for, so Nanoforge stores the answer before it closes. The window closes by itself when it is saved. | They were paid for, so Nanoforge stores the answers before it closes. The window closes by itself when they are saved.',
      quitNow: 'Quit now',
      quitNowHint: 'Stops at once. The service may still charge for it, and it is never sent again; History shows it as possibly charged.',
      stopping: 'Quitting…',
      failed: 'Could not quit now: {message}',
    },
  },
}
