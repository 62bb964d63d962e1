import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (navigation label and document.title). */
    titleKey: string
    /** Which icon the navigation shows (components/shell/NavIcon.vue). */
    icon: string
    /** The view uses the full content width instead of the readable max width (e.g. the Gallery grid). */
    wide?: boolean
    /** Reached from elsewhere (the account menu, Home, Settings), not listed in the navigation. */
    hideInNav?: boolean
  }
}

// Views are lazy-loaded so the first paint only pays for the shell and Home.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'),
    meta: { titleKey: 'common.nav.home', icon: 'home' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('@/views/DashboardView.vue'),
    meta: { titleKey: 'common.nav.dashboard', icon: 'dashboard' } },
  { path: '/generator', name: 'generator', component: () => import('@/views/GeneratorView.vue'),
    meta: { titleKey: 'common.nav.generator', icon: 'generator' } },
  { path: '/gallery', name: 'gallery', component: () => import('@/views/GalleryView.vue'),
    meta: { titleKey: 'common.nav.gallery', icon: 'gallery', wide: true } },
  { path: '/history', name: 'history', component: () => import('@/views/HistoryView.vue'),
    meta: { titleKey: 'common.nav.history', icon: 'history' } },
  { path: '/analytics', name: 'analytics', component: () => import('@/views/AnalyticsView.vue'),
    meta: { titleKey: 'common.nav.analytics', icon: 'analytics' } },
  { path: '/references', name: 'references', component: () => import('@/views/ReferencesView.vue'),
    meta: { titleKey: 'common.nav.references', icon: 'references' } },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue'),
    meta: { titleKey: 'common.nav.settings', icon: 'settings' } },
  // "Edit this" on any image opens it here; a finished edit moves the editor to its new image.
  { path: '/edit/:imageId', name: 'edit', component: () => import('@/views/EditorView.vue'),
    meta: { titleKey: 'common.nav.edit', icon: 'gallery', wide: true, hideInNav: true } },
  // A batch's results as a grid (prompt × model); the batch form goes here once the batch is recorded.
  { path: '/batches/:id', name: 'batch', component: () => import('@/views/BatchView.vue'),
    meta: { titleKey: 'batch.view.title', icon: 'generator', wide: true, hideInNav: true } },
  // Optional sign-in; never a gate (the app opens on Home, signed out or not).
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'),
    meta: { titleKey: 'login.pageTitle', icon: 'account', hideInNav: true } },
  // Unknown hashes (old bookmarks, typos) land on Home rather than a blank page.
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

/** The destinations the navigation lists, in order (everything with a name that is not hidden). */
export const navRoutes = routes.filter((r) => r.name != null && !r.meta?.hideInNav)

// Hash history: the app is served from a custom protocol with no server-side routing.
export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})
