// The account menu (shell), the Account card in Settings, and the sign-in failures both they and the
// Login view explain.
export default {
  local: {
    name: 'Local library',
    detail: 'Not signed in',
  },
  kind: { local: 'Local library', google: 'Google account' },
  menu: {
    open: 'Account: {name}. Open the account menu',
    profilesTitle: 'Libraries on this device',
    current: 'Open now',
    signIn: 'Sign in with Google',
    addAccount: 'Add another account',
    notConfigured: 'Sign-in is not set up in this build',
    signOut: 'Sign out',
    signOutHint: 'Your files stay on this device',
    remove: 'Remove from this device…',
    settings: 'Account settings',
    switchTo: 'Open {name}',
  },
  switching: 'Opening {name}…',
  signedIn: 'Signed in as {name}.',
  switched: 'Now showing {name}.',
  signedOut: 'Signed out. {name}’s files stay on this device.',
  removed: 'Removed {name} from this device.',
  removedWithWarning: 'Removed {name} from this device, with a problem: {warning}',
  actionFailed: 'That did not work: {message}',
  remove: {
    title: 'Remove {name} from this device?',
    body: 'This deletes, from this device only: its library folder (every image and job, and the history in it), its settings, and its keys in the OS keychain. This cannot be undone. Nothing in the Google account is touched.',
    confirm: 'Remove from this device',
  },
  card: {
    title: 'Account',
    subtitle: 'Each Google account keeps its own library on this device.',
    kind: 'Type',
    email: 'Email',
    verified: 'verified',
    unverified: 'not verified',
    issuer: 'Signed in with',
    profile: 'Profile',
    localBody: 'You are using the local library. Signing in is optional: it gives each Google account its own library on this device. Nothing is uploaded.',
    others: 'Other libraries on this device',
    open: 'Open',
    removeOne: 'Remove…',
    notBoundary: 'Opening a library needs no password: anyone who can use this device account can open them all.',
  },
  errors: {
    sign_in_denied: {
      title: 'Sign-in was declined',
      body: 'Google did not give access, so nothing changed. You can try again, or go on without an account.',
    },
    sign_in_failed: {
      title: 'Sign-in did not complete',
      body: 'Google did not finish the sign-in. Nothing was created. Try again; if it keeps failing, see the details below.',
    },
    sign_in_not_configured: {
      title: 'Sign-in is not set up in this build',
      body: 'This copy of Nanoforge was built without a Google client, so it cannot sign in. Everything else works with the local library.',
    },
    invalid_token: {
      title: 'The answer from Google could not be verified',
      body: 'For your safety it was not used, and nothing was created. Try again.',
    },
    clock_skew: {
      title: 'Your device’s clock looks wrong',
      body: 'The sign-in could not be verified because this device’s date or time is off. Set them correctly (automatic time is best), then try again.',
    },
    network: {
      title: 'Can’t reach Google',
      body: 'Check your internet connection, then try again. Your local library keeps working offline.',
    },
    timeout: {
      title: 'The sign-in page was not finished in time',
      body: 'Nanoforge waited 5 minutes for your browser. Start again when you are ready.',
    },
    cancelled: {
      title: 'Sign-in was cancelled',
      body: 'Nothing changed. You can start again whenever you like.',
    },
    other: {
      title: 'Sign-in failed',
      body: 'Something unexpected went wrong. Nothing was created. Try again.',
    },
    details: 'Details: {message}',
  },
}
