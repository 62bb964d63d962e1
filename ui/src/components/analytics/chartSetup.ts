// chart.js is tree-shaken: only the pieces these charts draw are registered (the controllers themselves are
// registered by vue-chartjs's Bar/Line/Doughnut wrappers).
import {
  ArcElement, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip,
} from 'chart.js'

Chart.register(ArcElement, BarElement, CategoryScale, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip)
