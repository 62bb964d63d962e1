import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { title: 'Home' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { title: 'Dashboard' } },
  { path: '/generator', name: 'generator', component: () => import('@/views/GeneratorView.vue'), meta: { title: 'Generate' } },
  { path: '/gallery', name: 'gallery', component: () => import('@/views/GalleryView.vue'), meta: { title: 'Gallery' } },
  { path: '/history', name: 'history', component: () => import('@/views/HistoryView.vue'), meta: { title: 'History' } },
  { path: '/analytics', name: 'analytics', component: () => import('@/views/AnalyticsView.vue'), meta: { title: 'Analytics' } },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue'), meta: { title: 'Settings' } },
]

// Hash history: the app is served from a custom protocol with no server-side routing.
export const router = createRouter({ history: createWebHashHistory(), routes })
